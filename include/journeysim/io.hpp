#pragma once
// Writers for results: terminal table, JSON, HDF5. Files are written
// atomically (temporary file in the same folder, then rename).
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "journeysim/comparison.hpp"
#include "journeysim/results.hpp"
#include "journeysim/statistics.hpp"

namespace journeysim {

std::string results_to_table(const Results& results);
nlohmann::json results_to_json(const Results& results);
void write_results_hdf5(const Results& results, const std::string& path);

// A run file written by write_results_hdf5 (format "journeysim-run/1"), read
// back: writing the result again gives the same datasets, and summaries and
// JSON equal the original's. Per-replication vectors come back full length
// (a vector left empty when written comes back as zeros). Throws InputError
// when the file is missing, is not HDF5, is another kind of journeysim file
// (sweep, comparison) or was written before run files could be read back;
// std::runtime_error when HDF5 fails to read it.
Results read_results_hdf5(const std::string& path);

// A comparison as one HDF5 file (format "journeysim-compare/1"): the baseline
// in /baseline and each arm in /arms/<label> (each the run file layout), plus
// per arm delta/<metric> and relative/<metric> = [mean, ci95 low, ci95 high]
// and, when paired, paired_differences/<metric>[R]. Written atomically.
void write_comparison_hdf5(const Comparison& comparison, const std::string& path);
// Throws as read_results_hdf5 does.
Comparison read_comparison_hdf5(const std::string& path);

// A run's trace (Results::trace) as CSV, one row per event:
// customer,segment,time,touchpoint,event,experience,satisfaction,revenue —
// an event log `fit` reads back. Empty fields for what a row does not have.
// The file is written atomically.
std::string trace_to_csv(const Results& results);
void write_trace_csv(const Results& results, const std::string& path);

// Calls write(temp_path), then renames temp_path to path; on failure the
// temporary file is removed and the previous `path` (if any) is left intact.
void write_file_atomically(const std::string& path,
                           const std::function<void(const std::string& temp_path)>& write);
void write_text_atomically(const std::string& path, const std::string& text);
// Removes the temporary files of writers of `path` that were killed (kill -9,
// a crash, a power cut): `<path>.tmp-<pid>-<n>` of a process that is gone.
// write_file_atomically does it before every write.
void remove_stale_temporaries(const std::string& path);

// Throws std::runtime_error, saying why, unless `path` names a file that
// write_file_atomically could create: its directory exists and is writable,
// and it is not itself a directory. Lets a caller fail before a long run.
void check_output_path(const std::string& path);

// Provenance (Results::git_commit, created_utc; the same attributes of sweep
// files): the commit this program was built from (`git rev-parse --short
// HEAD` when CMake configured the build; "unknown" outside a git checkout),
// and the time now in UTC as ISO 8601, e.g. "2026-11-23T18:30:00Z".
std::string build_git_commit();
std::string utc_now();

}  // namespace journeysim
