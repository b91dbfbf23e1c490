#pragma once
// Writers for results: terminal table, JSON, HDF5. Files are written
// atomically (temporary file in the same folder, then rename).
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "journeysim/results.hpp"
#include "journeysim/statistics.hpp"

namespace journeysim {

std::string results_to_table(const Results& results);
nlohmann::json results_to_json(const Results& results);
void write_results_hdf5(const Results& results, const std::string& path);

// Calls write(temp_path), then renames temp_path to path; on failure the
// temporary file is removed and the previous `path` (if any) is left intact.
void write_file_atomically(const std::string& path,
                           const std::function<void(const std::string& temp_path)>& write);
void write_text_atomically(const std::string& path, const std::string& text);

// Throws std::runtime_error, saying why, unless `path` names a file that
// write_file_atomically could create: its directory exists and is writable,
// and it is not itself a directory. Lets a caller fail before a long run.
void check_output_path(const std::string& path);

}  // namespace journeysim
