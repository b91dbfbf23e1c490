// Reading run files back (the layout is in hdf5.cpp). Everything a run
// file's datasets and attributes hold is rebuilt; derived data (/summary,
// /flows/dropoffs, /series/day_start and day_end, events, events_per_s, the
// dims and unit attributes) is recomputed from it, so writing the result
// again gives the same file. Every problem with the file is an InputError naming
// the file and the object; the HDF5 error stack is never printed.
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <H5Cpp.h>
#include <fmt/format.h>

#include "io/detail.hpp"
#include "io/hdf5_detail.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/io.hpp"

namespace journeysim {

namespace hdf5_detail {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void damaged(const std::string& file, const std::string& what) {
  throw InputError(
      fmt::format("'{}' is damaged or was not written by journeysim: {}", file, what));
}

std::string child_name(const H5::H5Object& parent, const std::string& name) {
  const std::string base = parent.getObjName();
  return base == "/" ? "/" + name : base + "/" + name;
}

std::string dims_text(const std::vector<hsize_t>& dims) {
  if (dims.empty()) return "a scalar";
  std::string out = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i > 0) out += "×";
    out += std::to_string(dims[i]);
  }
  return out + "]";
}

std::vector<hsize_t> dims_of(const H5::DataSpace& space) {
  const int rank = space.getSimpleExtentNdims();
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank < 0 ? 0 : rank));
  if (!dims.empty()) space.getSimpleExtentDims(dims.data());
  return dims;
}

bool is_numeric(H5T_class_t type_class) {
  return type_class == H5T_INTEGER || type_class == H5T_FLOAT;
}

H5::Attribute open_attribute(const H5::H5Object& object, const std::string& name,
                             const std::string& file, bool numeric) {
  if (!object.attrExists(name)) {
    damaged(file, fmt::format("{} has no attribute '{}'", object.getObjName(), name));
  }
  H5::Attribute attribute = object.openAttribute(name);
  const H5T_class_t type_class = attribute.getTypeClass();
  if (numeric ? !is_numeric(type_class) : type_class != H5T_STRING) {
    damaged(file, fmt::format("attribute '{}' of {} is not {}", name, object.getObjName(),
                              numeric ? "a number" : "text"));
  }
  return attribute;
}

H5::DataSet open_dataset(const H5::Group& group, const std::string& name, const std::string& file) {
  const std::string full = child_name(group, name);
  if (!group.nameExists(name)) damaged(file, fmt::format("{} is missing", full));
  if (group.childObjType(name) != H5O_TYPE_DATASET) {
    damaged(file, fmt::format("{} is not a dataset", full));
  }
  return group.openDataSet(name);
}

// Strings from an attribute or a dataset of `count` variable- or fixed-length
// strings, read in the file's own string type (HDF5 does not convert between
// character sets). `read(type, buffer)` reads all of them.
std::vector<std::string> read_string_values(
    const H5::StrType& file_type, const H5::DataSpace& space, std::size_t count,
    const std::function<void(const H5::DataType&, void*)>& read) {
  std::vector<std::string> out;
  if (count == 0) return out;
  out.reserve(count);
  if (file_type.isVariableStr()) {
    std::vector<char*> raw(count, nullptr);
    read(file_type, raw.data());
    for (const char* value : raw) out.emplace_back(value ? value : "");
    H5Dvlen_reclaim(file_type.getId(), space.getId(), H5P_DEFAULT, raw.data());
  } else {
    const std::size_t size = file_type.getSize();
    std::vector<char> buffer(size * count, '\0');
    read(file_type, buffer.data());
    for (std::size_t i = 0; i < count; ++i) {
      const char* begin = buffer.data() + i * size;
      out.emplace_back(begin, strnlen(begin, size));
    }
  }
  return out;
}

template <class T>
T read_scalar_attribute(const H5::H5Object& object, const std::string& name, const std::string& file) {
  H5::Attribute attribute = open_attribute(object, name, file, true);
  if (attribute.getSpace().getSimpleExtentNpoints() != 1) {
    damaged(file, fmt::format("attribute '{}' of {} is not a single number", name,
                              object.getObjName()));
  }
  T value{};
  attribute.read(H5Types<T>::memory(), &value);
  return value;
}

template <class T>
std::vector<T> read_array_attribute(const H5::H5Object& object, const std::string& name,
                                    std::size_t expected, const std::string& file) {
  H5::Attribute attribute = open_attribute(object, name, file, true);
  const std::vector<hsize_t> dims = dims_of(attribute.getSpace());
  if (dims != std::vector<hsize_t>{expected}) {
    damaged(file, fmt::format("attribute '{}' of {} is {}, expected [{}]", name,
                              object.getObjName(), dims_text(dims), expected));
  }
  std::vector<T> values(expected);
  if (expected > 0) attribute.read(H5Types<T>::memory(), values.data());
  return values;
}

// A numeric dataset of exactly the shape `expected`, row-major.
template <class T>
std::vector<T> read_array(const H5::Group& group, const std::string& name,
                          const std::vector<hsize_t>& expected, const std::string& file) {
  H5::DataSet dataset = open_dataset(group, name, file);
  if (!is_numeric(dataset.getTypeClass())) {
    damaged(file, fmt::format("{} does not hold numbers", child_name(group, name)));
  }
  const std::vector<hsize_t> dims = dims_of(dataset.getSpace());
  if (dims != expected) {
    damaged(file, fmt::format("{} is {}, expected {}", child_name(group, name), dims_text(dims),
                              dims_text(expected)));
  }
  std::size_t count = 1;
  for (hsize_t n : dims) count *= static_cast<std::size_t>(n);
  std::vector<T> values(count);
  if (count > 0) dataset.read(values.data(), H5Types<T>::memory());
  return values;
}

// A 1-D dataset of strings.
std::vector<std::string> read_strings(const H5::Group& group, const std::string& name,
                                      const std::string& file) {
  H5::DataSet dataset = open_dataset(group, name, file);
  if (dataset.getTypeClass() != H5T_STRING) {
    damaged(file, fmt::format("{} does not hold text", child_name(group, name)));
  }
  const H5::DataSpace space = dataset.getSpace();
  const std::vector<hsize_t> dims = dims_of(space);
  if (dims.size() != 1) {
    damaged(file, fmt::format("{} is {}, expected a list", child_name(group, name), dims_text(dims)));
  }
  return read_string_values(dataset.getStrType(), space, static_cast<std::size_t>(dims[0]),
                            [&](const H5::DataType& type, void* buffer) { dataset.read(buffer, type); });
}

// Per replication `r`, the `cols` values of row r.
template <class T>
std::vector<std::vector<T>> rows(const std::vector<T>& matrix, std::size_t runs, std::size_t cols) {
  std::vector<std::vector<T>> out(runs);
  for (std::size_t r = 0; r < runs; ++r) {
    out[r].assign(matrix.begin() + static_cast<std::ptrdiff_t>(r * cols),
                  matrix.begin() + static_cast<std::ptrdiff_t>((r + 1) * cols));
  }
  return out;
}

void read_attributes(const H5::Group& group, const std::string& file, Results& results) {
  results.scenario_text = read_string_attribute(group, "scenario_text", file);
  results.scenario_path = read_string_attribute(group, "scenario_path", file);
  results.scenario_name = read_string_attribute(group, "scenario_name", file);
  results.label = read_string_attribute(group, "label", file);
  results.strategy = read_string_attribute(group, "strategy", file);
  results.strategies = read_strings_attribute(group, "strategies", file);
  results.edits = read_strings_attribute(group, "edits", file);
  results.seed = read_scalar_attribute<std::uint64_t>(group, "seed", file);
  results.market_size = read_scalar_attribute<std::uint64_t>(group, "market_size", file);
  results.horizon_days = read_scalar_attribute<double>(group, "horizon_days", file);
  results.step_days = read_scalar_attribute<double>(group, "step_days", file);
  results.threads = read_scalar_attribute<std::uint32_t>(group, "threads", file);
  results.wall_seconds = read_scalar_attribute<double>(group, "wall_seconds", file);
  // Added later: files written before them read as without run-off, provenance unknown.
  if (group.attrExists("processes")) results.processes = read_scalar_attribute<std::uint32_t>(group, "processes", file);
  if (group.attrExists("run_off")) results.run_off = read_scalar_attribute<std::uint8_t>(group, "run_off", file) != 0;
  if (group.attrExists("interrupted")) results.interrupted = read_string_attribute(group, "interrupted", file);
  for (auto [name, field] : {std::pair{"command_line", &Results::command_line},
                             std::pair{"created_utc", &Results::created_utc},
                             std::pair{"git_commit", &Results::git_commit}}) {
    if (group.attrExists(name)) results.*field = read_string_attribute(group, name, file);
  }
}

// /runs: the number of replications and every scalar of each.
void read_runs(const H5::Group& parent, const std::string& file, Results& results) {
  const H5::Group group = open_child_group(parent, "runs", file);
  const std::vector<hsize_t> dims = dims_of(open_dataset(group, "replication", file).getSpace());
  if (dims.size() != 1) {
    damaged(file, fmt::format("{} is {}, expected a list", child_name(group, "replication"),
                              dims_text(dims)));
  }
  const std::size_t runs = static_cast<std::size_t>(dims[0]);
  const auto replications = read_scalar_attribute<std::uint32_t>(parent, "replications", file);
  if (replications != runs) {
    damaged(file, fmt::format("{} says {} replications but {} holds {}", parent.getObjName(),
                              replications, group.getObjName(), runs));
  }
  results.runs.assign(runs, RunResult{});
  const auto replication = read_array<std::uint32_t>(group, "replication", dims, file);
  const auto wall = read_array_attribute<double>(group, "wall_seconds", runs, file);
  for (std::size_t r = 0; r < runs; ++r) {
    results.runs[r].replication = replication[r];
    results.runs[r].wall_seconds = wall[r];
  }
  for (const auto& [name, member] : run_counts()) {
    if (added_with_run_off(name) && !group.nameExists(name)) continue;
    const auto values = read_array<std::uint64_t>(group, name, dims, file);
    for (std::size_t r = 0; r < runs; ++r) results.runs[r].*member = values[r];
  }
  for (const auto& [name, member] : run_amounts()) {
    if (added_with_run_off(name) && !group.nameExists(name)) continue;
    const auto values = read_array<double>(group, name, dims, file);
    for (std::size_t r = 0; r < runs; ++r) results.runs[r].*member = values[r];
  }
}

void read_touchpoints(const H5::Group& parent, const std::string& file, Results& results) {
  const H5::Group group = open_child_group(parent, "touchpoints", file);
  const std::size_t runs = results.runs.size();
  results.touchpoints = read_strings(group, "name", file);
  const std::size_t n = results.touchpoints.size();
  results.touchpoint_cost = read_array<double>(group, "cost_per_visit", {n}, file);
  results.touchpoint_revenue = read_array<double>(group, "revenue_per_purchase", {n}, file);
  results.touchpoint_refund = read_array<double>(group, "refund_amount", {n}, file);
  for (const auto& [name, member] : touchpoint_tallies()) {
    auto per_run = rows(read_array<std::uint64_t>(group, name, {runs, n}, file), runs, n);
    for (std::size_t r = 0; r < runs; ++r) results.runs[r].*member = std::move(per_run[r]);
  }
}

void read_flows(const H5::Group& parent, const std::string& file, Results& results) {
  const H5::Group group = open_child_group(parent, "flows", file);
  const std::size_t runs = results.runs.size();
  const std::vector<std::string> from = read_strings(group, "from", file);
  const std::vector<std::string> to = read_strings(group, "to", file);
  const std::size_t n = from.size();
  if (to.size() != n) {
    damaged(file, fmt::format("{} lists {} flows but {} lists {}", child_name(group, "from"), n,
                              child_name(group, "to"), to.size()));
  }
  const auto entry = read_array<std::uint8_t>(group, "entry", {n}, file);
  results.flows.clear();
  for (std::size_t f = 0; f < n; ++f) results.flows.push_back(FlowLink{from[f], to[f], entry[f] != 0});
  auto traversals = rows(read_array<std::uint64_t>(group, "traversals", {runs, n}, file), runs, n);
  results.entries = read_strings(group, "entry_names", file);
  const std::size_t entries = results.entries.size();
  auto dropoffs =
      rows(read_array<std::uint64_t>(group, "entry_dropoffs", {runs, entries}, file), runs, entries);
  for (std::size_t r = 0; r < runs; ++r) {
    results.runs[r].flow_traversals = std::move(traversals[r]);
    results.runs[r].entry_dropoffs = std::move(dropoffs[r]);
  }
}

void read_series(const H5::Group& parent, const std::string& file, Results& results) {
  const H5::Group group = open_child_group(parent, "series", file);
  const std::size_t runs = results.runs.size();
  const std::vector<hsize_t> day_dims = dims_of(open_dataset(group, "day", file).getSpace());
  if (day_dims.size() != 1) {
    damaged(file, fmt::format("{} is {}, expected a list", child_name(group, "day"),
                              dims_text(day_dims)));
  }
  const std::size_t days = static_cast<std::size_t>(day_dims[0]);
  for (const auto& [name, member] : daily_counts()) {
    auto per_run = rows(read_array<std::uint64_t>(group, name, {runs, days}, file), runs, days);
    for (std::size_t r = 0; r < runs; ++r) results.runs[r].series.*member = std::move(per_run[r]);
  }
  auto rating = rows(read_array<double>(group, "public_rating", {runs, days}, file), runs, days);
  results.channels = read_strings(group, "channels", file);
  const std::size_t channels = results.channels.size();
  const auto by_channel =
      read_array<std::uint64_t>(group, "newly_aware_by_channel", {runs, channels, days}, file);
  for (std::size_t r = 0; r < runs; ++r) {
    DailySeries& series = results.runs[r].series;
    series.public_rating = std::move(rating[r]);
    series.newly_aware_by_channel.clear();
    if (days == 0) continue;  // nothing was recorded
    for (std::size_t c = 0; c < channels; ++c) {
      const auto begin = by_channel.begin() + static_cast<std::ptrdiff_t>((r * channels + c) * days);
      series.newly_aware_by_channel.emplace_back(begin, begin + static_cast<std::ptrdiff_t>(days));
    }
  }
}

void read_segments(const H5::Group& parent, const std::string& file, Results& results) {
  const H5::Group group = open_child_group(parent, "segments", file);
  const std::size_t runs = results.runs.size();
  results.segments = read_strings(group, "name", file);
  const std::size_t n = results.segments.size();
  for (RunResult& run : results.runs) run.segments.assign(n, SegmentTally{});
  for (const auto& [name, member] : segment_counts()) {
    const auto values = read_array<std::uint64_t>(group, name, {runs, n}, file);
    for (std::size_t r = 0; r < runs; ++r) {
      for (std::size_t s = 0; s < n; ++s) results.runs[r].segments[s].*member = values[r * n + s];
    }
  }
  for (const auto& [name, member] : segment_amounts()) {
    const auto values = read_array<double>(group, name, {runs, n}, file);
    for (std::size_t r = 0; r < runs; ++r) {
      for (std::size_t s = 0; s < n; ++s) results.runs[r].segments[s].*member = values[r * n + s];
    }
  }
}

// Written by journeysim before run files carried a format: the run layout
// without /runs.
bool looks_like_old_run_file(const H5::Group& root) {
  return root.attrExists("scenario_text") && root.nameExists("summary") &&
         root.nameExists("touchpoints") && !root.nameExists("runs");
}

}  // namespace

std::string format_of(const H5::H5Object& object) {
  if (!object.attrExists("format")) return "";
  H5::Attribute attribute = object.openAttribute("format");
  if (attribute.getTypeClass() != H5T_STRING || attribute.getSpace().getSimpleExtentNpoints() != 1) {
    return "";
  }
  std::string value;
  attribute.read(attribute.getStrType(), value);
  return value;
}

std::string read_string_attribute(const H5::H5Object& object, const std::string& name,
                                  const std::string& file) {
  H5::Attribute attribute = open_attribute(object, name, file, false);
  if (attribute.getSpace().getSimpleExtentNpoints() != 1) {
    damaged(file, fmt::format("attribute '{}' of {} is not a single text", name, object.getObjName()));
  }
  std::string value;
  attribute.read(attribute.getStrType(), value);
  return value;
}

std::vector<std::string> read_strings_attribute(const H5::H5Object& object, const std::string& name,
                                                const std::string& file) {
  H5::Attribute attribute = open_attribute(object, name, file, false);
  const H5::DataSpace space = attribute.getSpace();
  const std::vector<hsize_t> dims = dims_of(space);
  if (dims.size() != 1) {
    damaged(file, fmt::format("attribute '{}' of {} is {}, expected a list", name,
                              object.getObjName(), dims_text(dims)));
  }
  return read_string_values(attribute.getStrType(), space, static_cast<std::size_t>(dims[0]),
                            [&](const H5::DataType& type, void* buffer) { attribute.read(type, buffer); });
}

H5::Group open_child_group(const H5::Group& parent, const std::string& name, const std::string& file) {
  const std::string full = child_name(parent, name);
  if (!parent.nameExists(name)) damaged(file, fmt::format("{} is missing", full));
  if (parent.childObjType(name) != H5O_TYPE_GROUP) damaged(file, fmt::format("{} is not a group", full));
  return parent.openGroup(name);
}

H5::H5File open_journeysim_file(const std::string& path, const std::string& expected,
                                const std::string& what) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    throw InputError(fmt::format("'{}' does not exist (expected a journeysim {})", path, what));
  }
  if (fs::is_directory(status)) {
    throw InputError(fmt::format("'{}' is a directory, not a journeysim {}", path, what));
  }
  if (!std::ifstream(path, std::ios::binary)) {
    throw std::runtime_error(fmt::format("cannot read '{}': {}", path, std::strerror(errno)));
  }
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    throw InputError(fmt::format("'{}' is not an HDF5 file (expected a journeysim {}, format '{}')",
                                 path, what, expected));
  }
  H5::H5File file;
  try {
    file.openFile(path, H5F_ACC_RDONLY);
  } catch (const H5::Exception& e) {
    throw InputError(fmt::format("'{}' is an HDF5 file that cannot be opened, damaged or truncated "
                                 "perhaps (expected a journeysim {}): {}",
                                 path, what, e.getDetailMsg()));
  }
  const H5::Group root = file.openGroup("/");
  const std::string format = format_of(root);
  if (format == expected) return file;
  if (format.empty() && looks_like_old_run_file(root)) {
    if (expected == kRunFormat) {
      throw InputError(fmt::format(
          "'{}' is a run file from an earlier journeysim (it has no 'format' attribute) and cannot "
          "be read back; run the scenario again to write a '{}' file",
          path, expected));
    }
    throw InputError(fmt::format(
        "'{}' is not a journeysim {} (it is a run file from an earlier journeysim, expected format '{}')",
        path, what, expected));
  }
  if (format.empty()) {
    throw InputError(fmt::format(
        "'{}' is not a journeysim {} (an HDF5 file without a 'format' attribute; expected format '{}')",
        path, what, expected));
  }
  throw InputError(fmt::format("'{}' is not a journeysim {} (format '{}'; expected '{}')", path, what,
                               format, expected));
}

Results read_run(const H5::Group& group, const std::string& file) {
  const std::string format = format_of(group);
  if (format != kRunFormat) {
    damaged(file, fmt::format("{} is not a run (format '{}', expected '{}')", group.getObjName(),
                              format, kRunFormat));
  }
  // Before the cost split and refunds, run files had neither; their CAC meant
  // something else, so they are refused by name rather than misread.
  if (group.nameExists("runs") && group.childObjType("runs") == H5O_TYPE_GROUP &&
      group.openGroup("runs").nameExists("aware") && !group.openGroup("runs").nameExists("cost_acquisition")) {
    throw InputError(fmt::format(
        "'{}' was written by an earlier journeysim, before acquisition/retention cost and refunds, and cannot "
        "be read back; run the scenario again to write a current file",
        file));
  }
  Results results;
  read_attributes(group, file, results);
  read_runs(group, file, results);
  read_touchpoints(group, file, results);
  read_flows(group, file, results);
  read_series(group, file, results);
  read_segments(group, file, results);
  // The run events and wall times, also in attributes, must agree with /runs.
  const auto run_events = read_array_attribute<std::uint64_t>(group, "run_events", results.runs.size(), file);
  for (std::size_t r = 0; r < results.runs.size(); ++r) {
    if (run_events[r] != results.runs[r].events) {
      damaged(file, fmt::format("attribute 'run_events' of {} disagrees with {}", group.getObjName(),
                                child_name(group, "runs/events")));
    }
  }
  try {
    io_detail::check_shapes(results);
  } catch (const InternalError& e) {
    damaged(file, e.what());
  }
  return results;
}

}  // namespace hdf5_detail

Results read_results_hdf5(const std::string& path) {
  const hdf5_detail::QuietHdf5 quiet;
  try {
    H5::H5File file = hdf5_detail::open_journeysim_file(path, hdf5_detail::kRunFormat, "run file");
    const H5::Group root = file.openGroup("/");
    return hdf5_detail::read_run(root, path);
  } catch (const H5::Exception& e) {
    throw std::runtime_error(fmt::format("cannot read HDF5 file '{}': {} (in {})", path,
                                         e.getDetailMsg(), e.getFuncName()));
  }
}

}  // namespace journeysim
