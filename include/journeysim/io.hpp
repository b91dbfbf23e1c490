#pragma once
// Writers for results: terminal table, JSON, HDF5. Files are written
// atomically (temporary file in the same folder, then rename).
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "journeysim/results.hpp"

namespace journeysim {

std::string results_to_table(const Results& results);
nlohmann::json results_to_json(const Results& results);
void write_results_hdf5(const Results& results, const std::string& path);

// Calls write(temp_path), then renames temp_path to path; on failure the
// temporary file is removed and the previous `path` (if any) is left intact.
void write_file_atomically(const std::string& path,
                           const std::function<void(const std::string& temp_path)>& write);
void write_text_atomically(const std::string& path, const std::string& text);

}  // namespace journeysim
