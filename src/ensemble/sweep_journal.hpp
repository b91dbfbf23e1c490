#pragma once
// The journal of a sweep (`<output>.journal`): what makes each finished point
// durable between HDF5 snapshots (an HDF5 file being rewritten is not
// crash-safe; the journal is only ever appended to). Internal to src/ensemble.
//
// Layout (native byte order; the journal lives next to its output and only
// as long as the sweep runs):
//   header   "JSWEEPJ1" | u64 fingerprint | u64 checksum of the first 16 bytes
//   record*  u32 "JREC" | u32 0 | u64 n = payload bytes | payload | u64 checksum of payload
//            payload = u64 point | double values[(n - 8) / 8]
// Each record is written with one write() and then fdatasync(), so a kill
// (even -9) leaves whole records and at most one torn record at the end,
// which reading ignores and appending cuts off.
#include <cstddef>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace journeysim::sweep_detail {

// 64-bit FNV-1a with a final avalanche: checksums and job fingerprints.
class Hasher {
 public:
  void bytes(const void* data, std::size_t size);
  void text(std::string_view value);  // length, then the bytes
  void u64(std::uint64_t value);
  void real(double value);  // the bit pattern
  std::uint64_t value() const;

 private:
  std::uint64_t state_ = 0xcbf29ce484222325ULL;
};

struct JournalRecord {
  std::size_t point = 0;
  std::vector<double> values;
};

struct JournalContents {
  bool found = false;  // a journal with a whole header exists
  std::uint64_t fingerprint = 0;
  std::vector<JournalRecord> records;  // the good ones, in order
  std::uint64_t good_bytes = 0;        // header and good records; anything after is torn
};

// Reads the journal at `path`: nothing found when it does not exist or its
// header is torn (empty, short, or zeros: killed while it was being created).
// Records must hold `values_per_record` values for a point below `points`;
// reading stops at the first that does not, or whose checksum is wrong.
// Throws InputError when the file is something else.
JournalContents read_journal(const std::string& path, std::size_t values_per_record, std::size_t points);

class Journal {
 public:
  // A new journal with this fingerprint, replacing any file at `path`.
  static Journal create(const std::string& path, std::uint64_t fingerprint);
  // An existing journal whose first `good_bytes` are good; the rest is cut off.
  static Journal append_to(const std::string& path, std::uint64_t good_bytes);

  Journal(Journal&& other) noexcept;
  Journal& operator=(Journal&& other) noexcept;
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  ~Journal();

  // Appends one record. It survives the process being killed at once (the
  // write is in the kernel's page cache) and a machine crash once synced:
  // records are fdatasync'ed at most every `sync_interval`, so a small point
  // does not wait for the disk each time (a crash of the machine loses at
  // most that long of points). Throws std::runtime_error on failure.
  void append(std::size_t point, const std::vector<double>& values);
  static constexpr std::chrono::milliseconds sync_interval{1000};
  // Closes and deletes the journal (the snapshot holds everything now).
  void remove();

 private:
  Journal(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
  std::chrono::steady_clock::time_point last_sync_{};  // the epoch: the first record syncs
};

}  // namespace journeysim::sweep_detail
