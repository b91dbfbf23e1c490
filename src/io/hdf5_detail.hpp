#pragma once
// Shared by the HDF5 writers and readers (src/io/hdf5*.cpp): typed attribute
// and dataset helpers, the quiet error handler, and the run layout that both
// run files (at the root) and comparison files (in groups) hold.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <H5Cpp.h>

#include "journeysim/results.hpp"
#include "journeysim/statistics.hpp"

namespace journeysim::hdf5_detail {

inline constexpr const char* kRunFormat = "journeysim-run/1";
inline constexpr const char* kCompareFormat = "journeysim-compare/1";

// Silences the HDF5 error stack printer while we work (errors become
// exceptions with messages), restoring whatever was set before.
class QuietHdf5 {
 public:
  QuietHdf5() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietHdf5() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  QuietHdf5(const QuietHdf5&) = delete;
  QuietHdf5& operator=(const QuietHdf5&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

// Variable-length UTF-8 strings.
inline H5::StrType string_type() {
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  type.setCset(H5T_CSET_UTF8);
  return type;
}

template <class T>
struct H5Types;
template <>
struct H5Types<std::uint64_t> {
  static const H5::PredType& file() { return H5::PredType::STD_U64LE; }
  static const H5::PredType& memory() { return H5::PredType::NATIVE_UINT64; }
};
template <>
struct H5Types<std::uint32_t> {
  static const H5::PredType& file() { return H5::PredType::STD_U32LE; }
  static const H5::PredType& memory() { return H5::PredType::NATIVE_UINT32; }
};
template <>
struct H5Types<std::uint8_t> {
  static const H5::PredType& file() { return H5::PredType::STD_U8LE; }
  static const H5::PredType& memory() { return H5::PredType::NATIVE_UINT8; }
};
template <>
struct H5Types<double> {
  static const H5::PredType& file() { return H5::PredType::IEEE_F64LE; }
  static const H5::PredType& memory() { return H5::PredType::NATIVE_DOUBLE; }
};

// ---- the fields of the layout, shared by writer and reader -----------------

template <class Member>
using Fields = std::vector<std::pair<const char*, Member>>;

// /touchpoints/<name> [R×T]
inline const Fields<std::vector<std::uint64_t> RunResult::*>& touchpoint_tallies() {
  static const Fields<std::vector<std::uint64_t> RunResult::*> fields{
      {"visits", &RunResult::touchpoint_visits},
      {"dropoffs", &RunResult::touchpoint_dropoffs},
      {"purchases", &RunResult::touchpoint_purchases},
      {"refund_count", &RunResult::touchpoint_refunds},
      {"visits_after_purchase", &RunResult::touchpoint_visits_after_purchase},
  };
  return fields;
}

// /series/<name> [R×D] (public_rating and newly_aware_by_channel apart)
inline const Fields<std::vector<std::uint64_t> DailySeries::*>& daily_counts() {
  static const Fields<std::vector<std::uint64_t> DailySeries::*> fields{
      {"purchasers_cumulative", &DailySeries::purchasers_cumulative},
      {"purchases", &DailySeries::purchases},
      {"new_purchasers", &DailySeries::new_purchasers},
      {"newly_aware_initial", &DailySeries::newly_aware_initial},
      {"newly_aware_word_of_mouth", &DailySeries::newly_aware_word_of_mouth},
      {"active_advocates", &DailySeries::active_advocates},
  };
  return fields;
}

// /segments/<name> [R×S]
inline const Fields<std::uint64_t SegmentTally::*>& segment_counts() {
  static const Fields<std::uint64_t SegmentTally::*> fields{
      {"aware", &SegmentTally::aware},           {"purchasers", &SegmentTally::purchasers},
      {"purchases", &SegmentTally::purchases},   {"promoters", &SegmentTally::promoters},
      {"detractors", &SegmentTally::detractors}, {"advocates", &SegmentTally::advocates},
      {"satisfaction_count", &SegmentTally::satisfaction_count},
  };
  return fields;
}
inline const Fields<double SegmentTally::*>& segment_amounts() {
  static const Fields<double SegmentTally::*> fields{
      {"revenue", &SegmentTally::revenue},
      {"cost", &SegmentTally::cost},
      {"satisfaction_sum", &SegmentTally::satisfaction_sum},
      {"refunds", &SegmentTally::refunds},
      {"cost_acquisition", &SegmentTally::cost_acquisition},
      {"cost_retention", &SegmentTally::cost_retention},
  };
  return fields;
}

// Fields of /runs that are NaN when undefined (no purchasers, no finished
// journey, no reviews); their datasets carry the `note` attribute.
// The `note` of a /runs field that may be NaN: its own undefined case, worded
// as its metric's (undefined_note); nullptr when it is never undefined.
inline const char* undefined_note_of_run_field(const std::string& run_field) {
  if (run_field.starts_with("first_purchase_days_")) return undefined_note(*find_metric("time_to_first_purchase_mean"));
  if (run_field.starts_with("journey_days_")) return undefined_note(*find_metric("journey_days_mean"));
  if (run_field == "final_public_rating") return undefined_note(*find_metric("public_rating"));
  return nullptr;
}

// /runs/<name> [R]: every scalar of RunResult (replication, a uint32, and
// wall_seconds, an attribute, apart).
inline const Fields<std::uint64_t RunResult::*>& run_counts() {
  static const Fields<std::uint64_t RunResult::*> fields{
      {"aware", &RunResult::aware},
      {"purchasers", &RunResult::purchasers},
      {"purchases", &RunResult::purchases},
      {"advocates", &RunResult::advocates},
      {"promoters", &RunResult::promoters},
      {"passives", &RunResult::passives},
      {"detractors", &RunResult::detractors},
      {"reviews", &RunResult::reviews},
      {"in_progress", &RunResult::in_progress},
      {"truncated", &RunResult::truncated},
      {"finished", &RunResult::finished},
      {"events", &RunResult::events},
      {"satisfaction_count", &RunResult::satisfaction_count},
      {"final_active_advocates", &RunResult::final_active_advocates},
      {"run_off_truncated", &RunResult::run_off_truncated},
  };
  return fields;
}
inline const Fields<double RunResult::*>& run_amounts() {
  static const Fields<double RunResult::*> fields{
      {"revenue", &RunResult::revenue},
      {"refunds", &RunResult::refunds},
      {"cost", &RunResult::cost},
      {"cost_acquisition", &RunResult::cost_acquisition},
      {"cost_retention", &RunResult::cost_retention},
      {"satisfaction_sum", &RunResult::satisfaction_sum},
      {"first_purchase_days_mean", &RunResult::first_purchase_days_mean},
      {"first_purchase_days_p50", &RunResult::first_purchase_days_p50},
      {"first_purchase_days_p90", &RunResult::first_purchase_days_p90},
      {"journey_days_mean", &RunResult::journey_days_mean},
      {"journey_days_variance", &RunResult::journey_days_variance},
      {"final_public_rating", &RunResult::final_public_rating},
      {"lifetime_net_revenue", &RunResult::lifetime_net_revenue},
  };
  return fields;
}

// Fields of /runs that files written before run-off lack; read as 0.
inline bool added_with_run_off(const std::string& run_field) {
  return run_field == "lifetime_net_revenue" || run_field == "run_off_truncated";
}

// ---- self-description -------------------------------------------------------
// Every dataset carries `dims` (a name per dimension: "replication",
// "touchpoint", "flow", "link", "entry", "day", "channel", "segment", "statistic",
// "point", "parameter") and `unit`, one of:
//   count     a number of customers, visits, purchases, …
//   money     in the scenario's currency
//   days      time, or a duration, in days (days^2 for a variance)
//   fraction  a share in [0, 1] (a rate; the table shows it as %)
//   score     NPS, in [-100, 100]
//   1         a dimensionless value: satisfaction or a rating in [0, 1], a sum of them
//   index     a position: replication number, day number
//   flag      0 or 1
//   text      names
// The `unit` of a headline metric's dataset, from its MetricDefinition::unit
// (a display unit: "%" is a fraction shown as a percentage).
inline const char* data_unit(std::string_view metric_unit) {
  if (metric_unit == "%") return "fraction";
  for (const char* unit : {"count", "money", "days", "score"})
    if (metric_unit == unit) return unit;
  return "1";
}

// The unit of a /runs or /segments field by its name.
inline const char* field_unit(const std::string& field) {
  if (field == "satisfaction_sum" || field == "final_public_rating") return "1";
  if (field.starts_with("first_purchase_days_") || field == "journey_days_mean") return "days";
  if (field == "journey_days_variance") return "days^2";
  if (field == "revenue" || field == "refunds" || field == "cost" || field.starts_with("cost_") ||
      field == "lifetime_net_revenue")
    return "money";
  return "count";
}

// The `dims` and `unit` attributes of a dataset.
void describe(H5::H5Object& dataset, const std::vector<std::string>& dims, const std::string& unit);

// ---- writing ----------------------------------------------------------------

void string_attribute(H5::H5Object& object, const std::string& name, const std::string& value);
void strings_attribute(H5::H5Object& object, const std::string& name,
                       const std::vector<std::string>& values);
// A 1-D dataset of text described by `dims` = {dim}, unit "text".
H5::DataSet strings_dataset(H5::Group& group, const std::string& name, const std::vector<std::string>& values,
                            const std::string& dim);

template <class T>
void scalar_attribute(H5::H5Object& object, const std::string& name, T value) {
  H5::Attribute attribute =
      object.createAttribute(name, H5Types<T>::file(), H5::DataSpace(H5S_SCALAR));
  attribute.write(H5Types<T>::memory(), &value);
}

template <class T>
void array_attribute(H5::H5Object& object, const std::string& name, const std::vector<T>& values) {
  const hsize_t dims[1] = {values.size()};
  H5::Attribute attribute =
      object.createAttribute(name, H5Types<T>::file(), H5::DataSpace(1, dims));
  if (!values.empty()) attribute.write(H5Types<T>::memory(), values.data());
}

// A dataset of shape `dims` from row-major `values`.
template <class T>
H5::DataSet array_dataset(H5::Group& group, const std::string& name,
                          const std::vector<hsize_t>& dims, const std::vector<T>& values) {
  H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
  H5::DataSet dataset = group.createDataSet(name, H5Types<T>::file(), space);
  if (!values.empty()) dataset.write(values.data(), H5Types<T>::memory());
  return dataset;
}

// The same, described: `dims` names each dimension, `unit` is one of the units above.
template <class T>
H5::DataSet array_dataset(H5::Group& group, const std::string& name, const std::vector<hsize_t>& shape,
                          const std::vector<T>& values, const std::vector<std::string>& dims,
                          const std::string& unit) {
  H5::DataSet dataset = array_dataset(group, name, shape, values);
  describe(dataset, dims, unit);
  return dataset;
}

// Writes an HDF5 file atomically (write_file_atomically): `fill` builds it
// in memory (HDF5's core driver, no backing store), then the image is
// written to the temporary file with every write checked. HDF5 itself never
// touches the disk, so a full disk or a file-size limit is an ordinary
// error here: no half-closed file is left in the library for its shutdown
// at exit to trip over (a segfault, before). H5::Exception from `fill`
// becomes std::runtime_error naming `path`.
void write_hdf5_atomically(const std::string& path, const std::function<void(H5::H5File& file)>& fill);

// Root attributes command_line, created_utc and git_commit (Results' provenance).
void provenance_attributes(H5::H5Object& object, const Results& results);

// A child group whose name may hold any UTF-8 (but no '/').
H5::Group create_utf8_group(H5::Group& parent, const std::string& name);

// The run layout (see hdf5.cpp) under `group`: the root of a run file, or
// /baseline and /arms/<label> of a comparison file. Writes `format` =
// kRunFormat on the group too. Expects check_shapes(results) to have passed.
void write_run(H5::Group& group, const Results& results);

// ---- reading ----------------------------------------------------------------
// Every reader throws InputError naming the file and the object when
// something is missing or has the wrong type or shape.

// Opens `path` read-only after checking that it exists and is an HDF5 file
// whose root attribute `format` is `expected` (`what` names the kind of
// file in messages: "run file", "comparison file").
H5::H5File open_journeysim_file(const std::string& path, const std::string& expected,
                                const std::string& what);

// `format` of a group ("" when there is none or it is not a string).
std::string format_of(const H5::H5Object& object);

// The Results stored by write_run under `group`; `file` is for messages.
Results read_run(const H5::Group& group, const std::string& file);

std::string read_string_attribute(const H5::H5Object& object, const std::string& name,
                                  const std::string& file);
std::vector<std::string> read_strings_attribute(const H5::H5Object& object, const std::string& name,
                                                const std::string& file);
H5::Group open_child_group(const H5::Group& parent, const std::string& name, const std::string& file);

// Group names of comparison arms from their labels: '/' becomes '∕' (U+2215);
// an empty or dot name, or a repeated one, gets a numbered variant, so every
// arm has its own group whatever its label.
std::vector<std::string> arm_group_names(const std::vector<std::string>& labels);

}  // namespace journeysim::hdf5_detail
