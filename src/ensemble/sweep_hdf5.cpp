// Sweep files for analysis in Python/R/Julia (h5py, pandas). The layout is a
// fixed contract (DESIGN.md, "Sweeps"):
//   /                attributes: format ("journeysim-sweep/1"), version, scenario_name,
//                    scenario_text (the base scenario as written), plan_text, seed,
//                    replications, market_size; also strategies[n] (applied to every
//                    point, in order), fingerprint (of the job, for --resume), and
//                    provenance: threads, processes, command_line, created_utc (when the
//                    file was written), git_commit
// Every dataset has `dims` (["point", "replication"], …) and `unit`; metrics also
// label and display_unit (the table's: "%" for a fraction shown as a percentage),
// series `kind` (a count within a day, or a value at its end), summary `statistics`.
//   /parameters      float64 [points, params], attribute names[params] = parameter paths
//   /metrics/<key>   float64 [points, replications], NaN where not yet run, or where the
//                    metric is undefined (no purchasers: a CAC, …)
//                    (attributes label, unit, and note on metrics that can be undefined;
//                    the group's attribute names = keys in order)
//   /summary/<key>   float64 [points, 3]: mean, ci95 low, ci95 high (summarize_metric():
//                    clipped to the metric's range as a run's JSON and file are; NaN where
//                    not run, undefined, or without an interval; note as in /metrics)
//   /series/<name>   float64 [points, days], the mean across replications; a '/' in a
//                    name is a subgroup (/series/newly_aware_by_channel/search); the
//                    group's attribute names = names in order
//   /done            uint8 [points]
// No dataset depends on timing, so two sweeps of the same job give equal datasets
// (attributes such as created_utc and threads may differ).
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <H5Cpp.h>
#include <fmt/format.h>

#include "ensemble/sweep_hdf5.hpp"
#include "io/hdf5_detail.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/io.hpp"
#include "journeysim/statistics.hpp"

namespace journeysim {

namespace sweep_detail {

namespace {

using hdf5_detail::QuietHdf5;
using hdf5_detail::string_type;

// Links whose names may hold any UTF-8, with the groups a '/' in them asks for.
H5::LinkCreatPropList link_properties() {
  H5::LinkCreatPropList lcpl;
  lcpl.setCharEncoding(H5T_CSET_UTF8);
  H5Pset_create_intermediate_group(lcpl.getId(), 1);
  return lcpl;
}

// ---- writing ----------------------------------------------------------------

void string_attribute(H5::H5Object& object, const std::string& name, const std::string& value) {
  const H5::StrType type = string_type();
  H5::Attribute attribute = object.createAttribute(name, type, H5::DataSpace(H5S_SCALAR));
  attribute.write(type, value);
}

void strings_attribute(H5::H5Object& object, const std::string& name, const std::vector<std::string>& values) {
  const H5::StrType type = string_type();
  const hsize_t dims[1] = {values.size()};
  H5::Attribute attribute = object.createAttribute(name, type, H5::DataSpace(1, dims));
  std::vector<const char*> pointers;
  for (const std::string& value : values) pointers.push_back(value.c_str());
  if (!pointers.empty()) attribute.write(type, pointers.data());
}

void u64_attribute(H5::H5Object& object, const std::string& name, std::uint64_t value) {
  H5::Attribute attribute = object.createAttribute(name, H5::PredType::STD_U64LE, H5::DataSpace(H5S_SCALAR));
  attribute.write(H5::PredType::NATIVE_UINT64, &value);
}

void u32_attribute(H5::H5Object& object, const std::string& name, std::uint32_t value) {
  H5::Attribute attribute = object.createAttribute(name, H5::PredType::STD_U32LE, H5::DataSpace(H5S_SCALAR));
  attribute.write(H5::PredType::NATIVE_UINT32, &value);
}

H5::DataSet doubles_dataset(H5::Group& group, const std::string& name, const std::vector<hsize_t>& dims,
                            const std::vector<double>& values) {
  const H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
  H5::DataSet dataset = group.createDataSet(name, H5::PredType::IEEE_F64LE, space, H5::DSetCreatPropList::DEFAULT,
                                            H5::DSetAccPropList::DEFAULT, link_properties());
  if (!values.empty()) dataset.write(values.data(), H5::PredType::NATIVE_DOUBLE);
  return dataset;
}

// The `dims` and `unit` attributes every dataset has (units as in run files:
// count, money, days, fraction, score, 1, flag; see io/hdf5_detail.hpp).
void describe(H5::H5Object& dataset, const std::vector<std::string>& dims, const std::string& unit) {
  strings_attribute(dataset, "dims", dims);
  string_attribute(dataset, "unit", unit);
}

void check_shapes(const SweepData& data) {
  const auto expect = [](bool ok, const char* what) {
    if (!ok) throw InternalError(fmt::format("sweep data to write has a bad shape: {}", what));
  };
  const std::size_t points = data.points, rows = data.replications;
  expect(data.parameter_values.size() == points * data.parameters.size(), "parameters");
  expect(data.metrics.size() == data.metric_keys.size() && data.summary.size() == data.metric_keys.size(),
         "metric count");
  for (const auto& metric : data.metrics) expect(metric.size() == points * rows, "metrics");
  for (const auto& summary : data.summary) expect(summary.size() == points * 3, "summary");
  expect(data.series.size() == data.series_names.size(), "series count");
  for (const auto& series : data.series) expect(series.size() == points * data.days, "series");
  expect(data.done.size() == points, "done");
}

// ---- reading ----------------------------------------------------------------

[[noreturn]] void damaged(const std::string& file, const std::string& what) {
  throw InputError(fmt::format("'{}' is damaged or is not a journeysim sweep file: {}", file, what));
}

std::vector<hsize_t> dims_of(const H5::DataSpace& space) {
  const int rank = space.getSimpleExtentNdims();
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank < 0 ? 0 : rank));
  if (!dims.empty()) space.getSimpleExtentDims(dims.data());
  return dims;
}

std::string dims_text(const std::vector<hsize_t>& dims) {
  std::string out = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) out += (i > 0 ? "×" : "") + std::to_string(dims[i]);
  return out + "]";
}

// Strings of an attribute, variable- or fixed-length, in the file's own string type.
std::vector<std::string> attribute_strings(const H5::Attribute& attribute, const std::string& file,
                                           const std::string& name) {
  if (attribute.getTypeClass() != H5T_STRING) damaged(file, fmt::format("attribute '{}' is not text", name));
  const H5::StrType type = attribute.getStrType();
  const H5::DataSpace space = attribute.getSpace();
  const auto count = static_cast<std::size_t>(space.getSimpleExtentNpoints());
  std::vector<std::string> out;
  if (count == 0) return out;
  if (type.isVariableStr()) {
    std::vector<char*> raw(count, nullptr);
    attribute.read(type, raw.data());
    for (const char* value : raw) out.emplace_back(value ? value : "");
    H5Dvlen_reclaim(type.getId(), space.getId(), H5P_DEFAULT, raw.data());
  } else {
    const std::size_t size = type.getSize();
    std::vector<char> buffer(size * count, '\0');
    attribute.read(type, buffer.data());
    for (std::size_t i = 0; i < count; ++i) out.emplace_back(buffer.data() + i * size, strnlen(buffer.data() + i * size, size));
  }
  return out;
}

std::string read_string(const H5::H5Object& object, const std::string& name, const std::string& file) {
  if (!object.attrExists(name)) damaged(file, fmt::format("{} has no attribute '{}'", object.getObjName(), name));
  const std::vector<std::string> values = attribute_strings(object.openAttribute(name), file, name);
  if (values.size() != 1) damaged(file, fmt::format("attribute '{}' is not a single text", name));
  return values[0];
}

std::vector<std::string> read_strings(const H5::H5Object& object, const std::string& name, const std::string& file) {
  if (!object.attrExists(name)) damaged(file, fmt::format("{} has no attribute '{}'", object.getObjName(), name));
  return attribute_strings(object.openAttribute(name), file, name);
}

template <class T>
T read_number(const H5::H5Object& object, const std::string& name, const H5::PredType& memory,
              const std::string& file) {
  if (!object.attrExists(name)) damaged(file, fmt::format("{} has no attribute '{}'", object.getObjName(), name));
  const H5::Attribute attribute = object.openAttribute(name);
  if (attribute.getTypeClass() != H5T_INTEGER || attribute.getSpace().getSimpleExtentNpoints() != 1)
    damaged(file, fmt::format("attribute '{}' is not a whole number", name));
  T value{};
  attribute.read(memory, &value);
  return value;
}

// A dataset at `path` under `group` of exactly the shape `expected`.
template <class T>
std::vector<T> read_array(const H5::Group& group, const std::string& path, const std::vector<hsize_t>& expected,
                          const H5::PredType& memory, const std::string& file) {
  const std::string full = group.getObjName() == "/" ? "/" + path : group.getObjName() + "/" + path;
  if (!group.nameExists(path) || group.childObjType(path) != H5O_TYPE_DATASET)
    damaged(file, fmt::format("{} is missing", full));
  const H5::DataSet dataset = group.openDataSet(path);
  const H5T_class_t type_class = dataset.getTypeClass();
  if (type_class != H5T_INTEGER && type_class != H5T_FLOAT) damaged(file, fmt::format("{} does not hold numbers", full));
  const std::vector<hsize_t> dims = dims_of(dataset.getSpace());
  if (dims != expected)
    damaged(file, fmt::format("{} is {}, expected {}", full, dims_text(dims), dims_text(expected)));
  std::size_t count = 1;
  for (hsize_t n : dims) count *= static_cast<std::size_t>(n);
  std::vector<T> values(count);
  if (count > 0) dataset.read(values.data(), memory);
  return values;
}

// Dataset paths under `group` (recursively, "a/b" for a dataset b in subgroup a), by name.
void dataset_paths(const H5::Group& group, const std::string& prefix, std::vector<std::string>& out) {
  for (hsize_t i = 0; i < group.getNumObjs(); ++i) {
    const std::string name = group.getObjnameByIdx(i);
    const H5O_type_t type = group.childObjType(name);
    if (type == H5O_TYPE_DATASET) out.push_back(prefix + name);
    else if (type == H5O_TYPE_GROUP) dataset_paths(group.openGroup(name), prefix + name + "/", out);
  }
}

// Names in the order the writer kept (attribute `names`), else as the file lists them.
std::vector<std::string> names_of(const H5::Group& group, const std::string& file) {
  if (group.attrExists("names")) return read_strings(group, "names", file);
  std::vector<std::string> out;
  dataset_paths(group, "", out);
  return out;
}

H5::Group open_group(const H5::Group& parent, const std::string& name, const std::string& file) {
  if (!parent.nameExists(name) || parent.childObjType(name) != H5O_TYPE_GROUP)
    damaged(file, fmt::format("group /{} is missing", name));
  return parent.openGroup(name);
}

SweepData read_contents(const H5::H5File& h5, const std::string& file) {
  const H5::Group root = h5.openGroup("/");
  SweepData data;
  data.version = read_string(root, "version", file);
  data.scenario_name = read_string(root, "scenario_name", file);
  data.scenario_text = read_string(root, "scenario_text", file);
  data.plan_text = read_string(root, "plan_text", file);
  data.seed = read_number<std::uint64_t>(root, "seed", H5::PredType::NATIVE_UINT64, file);
  data.replications = read_number<std::uint32_t>(root, "replications", H5::PredType::NATIVE_UINT32, file);
  data.market_size = read_number<std::uint64_t>(root, "market_size", H5::PredType::NATIVE_UINT64, file);
  if (root.attrExists("strategies")) data.strategies = read_strings(root, "strategies", file);
  if (root.attrExists("fingerprint")) data.fingerprint = read_string(root, "fingerprint", file);
  if (root.attrExists("threads"))
    data.threads = read_number<std::uint32_t>(root, "threads", H5::PredType::NATIVE_UINT32, file);
  if (root.attrExists("processes"))
    data.processes = read_number<std::uint32_t>(root, "processes", H5::PredType::NATIVE_UINT32, file);
  for (auto [name, field] : {std::pair{"command_line", &SweepData::command_line},
                             std::pair{"created_utc", &SweepData::created_utc},
                             std::pair{"git_commit", &SweepData::git_commit}}) {
    if (root.attrExists(name)) data.*field = read_string(root, name, file);
  }

  if (!root.nameExists("done") || root.childObjType("done") != H5O_TYPE_DATASET) damaged(file, "/done is missing");
  const std::vector<hsize_t> done_dims = dims_of(root.openDataSet("done").getSpace());
  if (done_dims.size() != 1) damaged(file, fmt::format("/done is {}, expected [points]", dims_text(done_dims)));
  data.points = static_cast<std::size_t>(done_dims[0]);
  const hsize_t points = done_dims[0];
  data.done = read_array<std::uint8_t>(root, "done", {points}, H5::PredType::NATIVE_UINT8, file);

  if (!root.nameExists("parameters")) damaged(file, "/parameters is missing");
  const H5::DataSet parameters = root.openDataSet("parameters");
  data.parameters = read_strings(parameters, "names", file);
  data.parameter_values = read_array<double>(root, "parameters", {points, data.parameters.size()},
                                             H5::PredType::NATIVE_DOUBLE, file);

  const H5::Group metrics = open_group(root, "metrics", file);
  const H5::Group summary = open_group(root, "summary", file);
  data.metric_keys = names_of(metrics, file);
  for (const std::string& key : data.metric_keys) {
    data.metrics.push_back(read_array<double>(metrics, key, {points, data.replications}, H5::PredType::NATIVE_DOUBLE, file));
    data.summary.push_back(read_array<double>(summary, key, {points, 3}, H5::PredType::NATIVE_DOUBLE, file));
  }

  const H5::Group series = open_group(root, "series", file);
  data.series_names = names_of(series, file);
  for (const std::string& name : data.series_names) {
    if (data.series.empty()) {
      if (!series.nameExists(name)) damaged(file, fmt::format("/series/{} is missing", name));
      const std::vector<hsize_t> dims = dims_of(series.openDataSet(name).getSpace());
      if (dims.size() != 2) damaged(file, fmt::format("/series/{} is {}, expected [points×days]", name, dims_text(dims)));
      data.days = static_cast<std::size_t>(dims[1]);
    }
    data.series.push_back(read_array<double>(series, name, {points, data.days}, H5::PredType::NATIVE_DOUBLE, file));
  }
  return data;
}

}  // namespace

void write_sweep_file(const SweepData& data, const std::string& path) {
  check_shapes(data);
  hdf5_detail::write_hdf5_atomically(path, [&](H5::H5File& file) {
    H5::Group root = file.openGroup("/");
    string_attribute(root, "format", kSweepFormat);
    string_attribute(root, "version", data.version);
    string_attribute(root, "scenario_name", data.scenario_name);
    string_attribute(root, "scenario_text", data.scenario_text);
    string_attribute(root, "plan_text", data.plan_text);
    u64_attribute(root, "seed", data.seed);
    u32_attribute(root, "replications", data.replications);
    u64_attribute(root, "market_size", data.market_size);
    strings_attribute(root, "strategies", data.strategies);
    string_attribute(root, "fingerprint", data.fingerprint);
    u32_attribute(root, "threads", data.threads);
    u32_attribute(root, "processes", data.processes);
    string_attribute(root, "command_line", data.command_line);
    string_attribute(root, "created_utc", data.created_utc);
    string_attribute(root, "git_commit", data.git_commit);

    const hsize_t points = data.points;
    H5::DataSet parameters = doubles_dataset(root, "parameters", {points, data.parameters.size()}, data.parameter_values);
    strings_attribute(parameters, "names", data.parameters);
    describe(parameters, {"point", "parameter"}, "as in the scenario: each column in the unit of its path");

    H5::Group metrics = root.createGroup("metrics");
    H5::Group summary = root.createGroup("summary");
    strings_attribute(metrics, "names", data.metric_keys);
    strings_attribute(summary, "names", data.metric_keys);
    strings_attribute(summary, "columns", {"mean", "ci95_low", "ci95_high"});
    for (std::size_t k = 0; k < data.metric_keys.size(); ++k) {
      const std::string& key = data.metric_keys[k];
      H5::DataSet values = doubles_dataset(metrics, key, {points, data.replications}, data.metrics[k]);
      H5::DataSet summaries = doubles_dataset(summary, key, {points, 3}, data.summary[k]);
      const MetricDefinition* definition = find_metric(key);
      const std::string unit = hdf5_detail::data_unit(definition != nullptr ? definition->unit : "");
      describe(values, {"point", "replication"}, unit);
      describe(summaries, {"point", "statistic"}, unit);
      strings_attribute(summaries, "statistics", {"mean", "ci95_low", "ci95_high"});
      if (definition != nullptr) {
        string_attribute(values, "label", definition->label);
        string_attribute(values, "display_unit", definition->unit);
        if (const char* undefined = undefined_note(*definition)) {
          const std::string note = std::string(undefined) + "; or the point has not run yet (see /done)";
          string_attribute(values, "note", note);
          string_attribute(summaries, "note", note);
        }
      }
    }

    H5::Group series = root.createGroup("series");
    strings_attribute(series, "names", data.series_names);
    for (std::size_t s = 0; s < data.series_names.size(); ++s) {
      H5::DataSet values = doubles_dataset(series, data.series_names[s], {points, data.days}, data.series[s]);
      const bool rating = data.series_names[s] == "public_rating";
      describe(values, {"point", "day"}, rating ? "1" : "count");
      const bool level = rating || data.series_names[s] == "purchasers_cumulative" ||
                         data.series_names[s] == "active_advocates";
      string_attribute(values, "kind", level ? "mean across replications of the value at the end of day d (t = d + 1)"
                                             : "mean across replications of the count within day d, [d, d + 1)");
    }

    const hsize_t done_dims[1] = {points};
    H5::DataSet done = root.createDataSet("done", H5::PredType::STD_U8LE, H5::DataSpace(1, done_dims));
    if (!data.done.empty()) done.write(data.done.data(), H5::PredType::NATIVE_UINT8);
    describe(done, {"point"}, "flag");
  });
}

}  // namespace sweep_detail

SweepData read_sweep_hdf5(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) throw InputError(fmt::format("'{}' does not exist (expected a journeysim sweep file)", path));
  if (fs::is_directory(status)) throw InputError(fmt::format("'{}' is a directory, not a journeysim sweep file", path));
  const sweep_detail::QuietHdf5 quiet;
  if (H5Fis_hdf5(path.c_str()) <= 0)
    throw InputError(fmt::format("'{}' is not an HDF5 file (expected a journeysim sweep file)", path));
  try {
    const H5::H5File file(path, H5F_ACC_RDONLY);
    const H5::Group root = file.openGroup("/");
    std::string format;
    if (root.attrExists("format")) {
      const H5::Attribute attribute = root.openAttribute("format");
      if (attribute.getTypeClass() == H5T_STRING) {
        const std::vector<std::string> values = sweep_detail::attribute_strings(attribute, path, "format");
        if (values.size() == 1) format = values[0];
      }
    }
    if (format != sweep_detail::kSweepFormat)
      throw InputError(fmt::format("'{}' is not a journeysim sweep file ({}; expected format '{}')", path,
                                   format.empty() ? "it has no 'format' attribute" : "format '" + format + "'",
                                   sweep_detail::kSweepFormat));
    return sweep_detail::read_contents(file, path);
  } catch (const H5::Exception& e) {
    throw InputError(fmt::format("'{}' cannot be read as a sweep file, damaged or truncated perhaps: {}", path,
                                 e.getDetailMsg()));
  }
}

}  // namespace journeysim
