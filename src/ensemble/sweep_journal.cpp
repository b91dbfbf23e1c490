// The journal of a sweep (layout in sweep_journal.hpp).
#include "ensemble/sweep_journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "journeysim/errors.hpp"

namespace journeysim::sweep_detail {

namespace {

constexpr char kHeaderMagic[8] = {'J', 'S', 'W', 'E', 'E', 'P', 'J', '1'};
constexpr std::uint32_t kRecordMagic = 0x4345524aU;  // "JREC" in little-endian order
constexpr std::size_t kHeaderBytes = 24;
constexpr std::size_t kRecordHead = 16;  // magic, zero, payload length

std::uint64_t checksum(const void* data, std::size_t size) {
  Hasher hasher;
  hasher.bytes(data, size);
  return hasher.value();
}

template <class T>
void put(std::vector<char>& out, const T& value) {
  const char* bytes = reinterpret_cast<const char*>(&value);
  out.insert(out.end(), bytes, bytes + sizeof(T));
}

template <class T>
T get(const char* data) {
  T value;
  std::memcpy(&value, data, sizeof(T));
  return value;
}

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error(fmt::format("cannot {} '{}': {}", what, path, std::strerror(errno)));
}

void write_all(int fd, const std::vector<char>& bytes, const std::string& path) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write the sweep journal", path);
    }
    done += static_cast<std::size_t>(n);
  }
}

void sync_directory_of(const std::string& path) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void Hasher::bytes(const void* data, std::size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint64_t h = state_;
  for (std::size_t i = 0; i < size; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  state_ = h;
}

void Hasher::text(std::string_view value) {
  u64(value.size());
  bytes(value.data(), value.size());
}

void Hasher::u64(std::uint64_t value) { bytes(&value, sizeof value); }

void Hasher::real(double value) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  u64(bits);
}

std::uint64_t Hasher::value() const {
  std::uint64_t z = state_;  // splitmix64's finaliser
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

JournalContents read_journal(const std::string& path, std::size_t values_per_record, std::size_t points) {
  JournalContents contents;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return contents;
    fail("read the sweep journal", path);
  }
  char header[kHeaderBytes] = {};
  in.read(header, kHeaderBytes);
  if (static_cast<std::size_t>(in.gcount()) < kHeaderBytes ||
      std::all_of(header, header + kHeaderBytes, [](char c) { return c == 0; }))
    return contents;  // torn while being created: as if there were none
  if (std::memcmp(header, kHeaderMagic, sizeof kHeaderMagic) != 0 ||
      get<std::uint64_t>(header + 16) != checksum(header, 16))
    throw InputError(fmt::format("'{}' is not a journeysim sweep journal; remove it, or write the sweep elsewhere",
                                 path));
  contents.found = true;
  contents.fingerprint = get<std::uint64_t>(header + 8);
  contents.good_bytes = kHeaderBytes;

  const std::uint64_t payload_bytes = 8 + 8 * static_cast<std::uint64_t>(values_per_record);
  std::vector<char> buffer(kRecordHead + payload_bytes + 8);
  while (true) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (static_cast<std::size_t>(in.gcount()) < buffer.size()) break;  // torn (or the end)
    if (get<std::uint32_t>(buffer.data()) != kRecordMagic || get<std::uint32_t>(buffer.data() + 4) != 0 ||
        get<std::uint64_t>(buffer.data() + 8) != payload_bytes)
      break;
    const char* payload = buffer.data() + kRecordHead;
    if (get<std::uint64_t>(payload + payload_bytes) != checksum(payload, payload_bytes)) break;
    const auto point = get<std::uint64_t>(payload);
    if (point >= points) break;
    JournalRecord record;
    record.point = static_cast<std::size_t>(point);
    record.values.resize(values_per_record);
    if (values_per_record > 0) std::memcpy(record.values.data(), payload + 8, 8 * values_per_record);
    contents.records.push_back(std::move(record));
    contents.good_bytes += buffer.size();
  }
  return contents;
}

Journal Journal::create(const std::string& path, std::uint64_t fingerprint) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("create the sweep journal", path);
  Journal journal(fd, path);
  std::vector<char> header(kHeaderMagic, kHeaderMagic + sizeof kHeaderMagic);
  put(header, fingerprint);
  put(header, checksum(header.data(), header.size()));
  write_all(fd, header, path);
  if (::fdatasync(fd) != 0) fail("sync the sweep journal", path);
  sync_directory_of(path);
  return journal;
}

Journal Journal::append_to(const std::string& path, std::uint64_t good_bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail("open the sweep journal", path);
  Journal journal(fd, path);
  if (::ftruncate(fd, static_cast<off_t>(good_bytes)) != 0) fail("cut a torn record off the sweep journal", path);
  if (::lseek(fd, static_cast<off_t>(good_bytes), SEEK_SET) < 0) fail("seek in the sweep journal", path);
  if (::fdatasync(fd) != 0) fail("sync the sweep journal", path);
  return journal;
}

Journal::Journal(Journal&& other) noexcept
    : fd_(other.fd_), path_(std::move(other.path_)), last_sync_(other.last_sync_) {
  other.fd_ = -1;
}

Journal& Journal::operator=(Journal&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    last_sync_ = other.last_sync_;
    other.fd_ = -1;
  }
  return *this;
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

void Journal::append(std::size_t point, const std::vector<double>& values) {
  std::vector<char> payload;
  payload.reserve(8 + 8 * values.size());
  put(payload, static_cast<std::uint64_t>(point));
  for (double value : values) put(payload, value);
  std::vector<char> record;
  record.reserve(kRecordHead + payload.size() + 8);
  put(record, kRecordMagic);
  put(record, std::uint32_t{0});
  put(record, static_cast<std::uint64_t>(payload.size()));
  record.insert(record.end(), payload.begin(), payload.end());
  put(record, checksum(payload.data(), payload.size()));
  write_all(fd_, record, path_);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_sync_ >= sync_interval) {
    if (::fdatasync(fd_) != 0) fail("sync the sweep journal", path_);
    last_sync_ = now;
  }
}

void Journal::remove() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (::unlink(path_.c_str()) != 0 && errno != ENOENT) fail("remove the sweep journal", path_);
  sync_directory_of(path_);
}

}  // namespace journeysim::sweep_detail
