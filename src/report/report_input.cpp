// Which kind of result file a report input is, and reading it with the
// reader of that kind. Only the root `format` attribute is read here; the
// readers in src/io and src/ensemble do the rest (and their own checks).
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include <H5Cpp.h>
#include <fmt/format.h>

#include "io/hdf5_detail.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/io.hpp"
#include "journeysim/report.hpp"

namespace journeysim {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSweepFormat = "journeysim-sweep/1";  // as src/ensemble/sweep_hdf5.hpp writes it

// The root's `format` text, "" without one. A sweep file writes it as a
// one-element array, a run file as a scalar: both are one text.
std::string root_format(const std::string& path) {
  const hdf5_detail::QuietHdf5 quiet;
  try {
    H5::H5File file(path, H5F_ACC_RDONLY);
    const H5::Group root = file.openGroup("/");
    if (!root.attrExists("format")) return "";
    const H5::Attribute attribute = root.openAttribute("format");
    if (attribute.getTypeClass() != H5T_STRING || attribute.getSpace().getSimpleExtentNpoints() != 1) return "";
    const H5::StrType type = attribute.getStrType();
    if (type.isVariableStr()) {
      std::string value;
      attribute.read(type, value);
      return value;
    }
    std::string value(type.getSize(), '\0');
    attribute.read(type, value.data());
    value.resize(value.find('\0') == std::string::npos ? value.size() : value.find('\0'));
    return value;
  } catch (const H5::Exception& e) {
    throw InputError(fmt::format("'{}' is an HDF5 file that cannot be read, damaged or truncated perhaps: {}", path,
                                 e.getDetailMsg()));
  }
}

// The /pairs group of a comparison file (hdf5_compare.cpp): every pair's
// label, arm, versus and delta/<metric> = [mean, ci95 low, ci95 high], arm −
// versus. nullopt when the file has no /pairs group.
std::optional<std::vector<StoredPair>> read_stored_pairs(const std::string& path) {
  namespace d = hdf5_detail;
  const d::QuietHdf5 quiet;
  try {
    H5::H5File file(path, H5F_ACC_RDONLY);
    const H5::Group root = file.openGroup("/");
    if (H5Lexists(root.getId(), "pairs", H5P_DEFAULT) <= 0) return std::nullopt;
    const H5::Group pairs = d::open_child_group(root, "pairs", path);
    std::vector<StoredPair> out;
    for (hsize_t i = 0; i < pairs.getNumObjs(); ++i) {
      const std::string name = pairs.getObjnameByIdx(i);
      const H5::Group group = d::open_child_group(pairs, name, path);
      StoredPair pair;
      pair.label = d::read_string_attribute(group, "label", path);
      pair.arm = d::read_string_attribute(group, "arm", path);
      pair.versus = d::read_string_attribute(group, "versus", path);
      const H5::Group delta = d::open_child_group(group, "delta", path);
      for (hsize_t m = 0; m < delta.getNumObjs(); ++m) {
        const std::string key = delta.getObjnameByIdx(m);
        const H5::DataSet dataset = delta.openDataSet(key);
        if (dataset.getSpace().getSimpleExtentNpoints() != 3) {
          throw InputError(fmt::format("'{}' is damaged or was not written by journeysim: /pairs/{}/delta/{} does "
                                       "not hold 3 numbers (mean, ci95 low, ci95 high)",
                                       path, name, key));
        }
        double values[3];
        dataset.read(values, H5::PredType::NATIVE_DOUBLE);
        Interval interval{values[0], {}, {}};
        if (std::isfinite(values[1])) interval.low = values[1];
        if (std::isfinite(values[2])) interval.high = values[2];
        pair.delta[key] = interval;
      }
      out.push_back(std::move(pair));
    }
    return out;
  } catch (const H5::Exception& e) {
    throw InputError(fmt::format("'{}': cannot read its arm-vs-arm differences (/pairs): {}", path, e.getDetailMsg()));
  }
}

}  // namespace

ResultFileKind result_file_kind(const std::string& path) {
  constexpr const char* expected = "expected a journeysim run, compare or sweep file (--out FILE.h5)";
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) throw InputError(fmt::format("'{}' does not exist ({})", path, expected));
  if (fs::is_directory(status)) throw InputError(fmt::format("'{}' is a directory ({})", path, expected));
  if (!std::ifstream(path, std::ios::binary)) throw InputError(fmt::format("cannot read '{}'", path));
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError(fmt::format("'{}' is not an HDF5 file ({})", path, expected));
  const std::string format = root_format(path);
  if (format == hdf5_detail::kRunFormat) return ResultFileKind::run;
  if (format == hdf5_detail::kCompareFormat) return ResultFileKind::comparison;
  if (format == kSweepFormat) return ResultFileKind::sweep;
  if (format.empty()) {
    throw InputError(fmt::format("'{}' is an HDF5 file without a journeysim 'format' attribute ({})", path, expected));
  }
  throw InputError(fmt::format("'{}' is a file of an unknown kind (format '{}'; {})", path, format, expected));
}

ReportSource read_report_source(const std::string& path) {
  ReportSource source;
  source.path = path;
  source.kind = result_file_kind(path);
  switch (source.kind) {
    case ResultFileKind::run: source.run = read_results_hdf5(path); break;
    case ResultFileKind::comparison:
      source.comparison = read_comparison_hdf5(path);
      source.pairs = read_stored_pairs(path);
      break;
    case ResultFileKind::sweep: source.sweep = read_sweep_hdf5(path); break;
  }
  return source;
}

}  // namespace journeysim
