// HDF5 comparison files (write_comparison_hdf5 / read_comparison_hdf5): the
// baseline and every arm round trip as run files do, and the stored deltas
// are compare_metrics()'s.
#include <string>
#include <vector>

#include "hdf5_test_support.hpp"

namespace journeysim {
namespace {

using namespace hdf5_testing;

// ---- comparison files -------------------------------------------------------------

// `group` holds arm − reference as `rows` (compare_metrics of the two) say.
void expect_differences_stored(const std::string& path, const Results& reference, const Results& arm,
                               const std::vector<MetricComparison>& rows, Pairing pairing, const std::string& group) {
  ASSERT_EQ(rows.size(), headline_metrics().size());
  const H5::H5File h5(path, H5F_ACC_RDONLY);
  for (const MetricComparison& row : rows) {
    expect_same_doubles(read_dataset<double>(path, group + "/delta/" + row.key, H5::PredType::NATIVE_DOUBLE),
                        interval_values(row.difference.delta), group + "/delta/" + row.key);
    expect_same_doubles(
        read_dataset<double>(path, group + "/relative/" + row.key, H5::PredType::NATIVE_DOUBLE),
        interval_values(row.difference.relative), group + "/relative/" + row.key);
    const std::string differences = group + "/paired_differences/" + row.key;
    if (pairing == Pairing::paired) {
      const MetricDefinition* metric = find_metric(row.key);
      ASSERT_NE(metric, nullptr);
      const std::vector<double> a = metric_values(reference, *metric);
      const std::vector<double> b = metric_values(arm, *metric);
      std::vector<double> expected;
      for (std::size_t k = 0; k < a.size(); ++k) expected.push_back(b[k] - a[k]);
      expect_same_doubles(read_dataset<double>(path, differences, H5::PredType::NATIVE_DOUBLE), expected,
                          differences);
    } else {
      EXPECT_FALSE(h5.nameExists(group + "/paired_differences")) << group;
    }
  }
}

void expect_differences_stored(const std::string& path, const Comparison& comparison, std::size_t arm,
                               const std::string& group) {
  expect_differences_stored(path, comparison.baseline, comparison.arms[arm], comparison.metrics(arm),
                            comparison.pairing, group);
}

void expect_same_comparison(const Comparison& a, const Comparison& b) {
  EXPECT_EQ(a.pairing, b.pairing);
  {
    SCOPED_TRACE("baseline");
    expect_same_results(a.baseline, b.baseline);
  }
  ASSERT_EQ(a.arms.size(), b.arms.size());
  for (std::size_t i = 0; i < a.arms.size(); ++i) {
    SCOPED_TRACE("arm " + a.arms[i].label);
    expect_same_results(a.arms[i], b.arms[i]);
    const auto ra = a.metrics(i), rb = b.metrics(i);
    ASSERT_EQ(ra.size(), rb.size());
    for (std::size_t m = 0; m < ra.size(); ++m) {
      expect_same_interval(ra[m].difference.delta, rb[m].difference.delta, ra[m].key + " delta");
      expect_same_interval(ra[m].difference.relative, rb[m].difference.relative, ra[m].key + " relative");
    }
  }
}

std::vector<std::string> strings_attribute(const std::string& path, const std::string& name) {
  const H5::H5File h5(path, H5F_ACC_RDONLY);
  const H5::Attribute attribute = h5.openGroup("/").openAttribute(name);
  const H5::StrType type = attribute.getStrType();
  std::vector<char*> raw(static_cast<std::size_t>(attribute.getSpace().getSimpleExtentNpoints()));
  if (raw.empty()) return {};
  attribute.read(type, raw.data());
  std::vector<std::string> out(raw.begin(), raw.end());
  H5Dvlen_reclaim(type.getId(), attribute.getSpace().getId(), H5P_DEFAULT, raw.data());
  return out;
}

std::string string_attribute(const std::string& path, const std::string& name) {
  const H5::H5File h5(path, H5F_ACC_RDONLY);
  const H5::Attribute attribute = h5.openGroup("/").openAttribute(name);
  std::string value;
  attribute.read(attribute.getStrType(), value);
  return value;
}

TEST_F(Hdf5RoundTrip, PairedComparison) {
  Results baseline = make_results(3);
  baseline.label = "baseline";
  const Comparison comparison{baseline, {make_arm(3, "fix/support"), make_arm(3, "référence ✓")}, Pairing::paired};
  const std::string path = file("compare.h5");
  write_comparison_hdf5(comparison, path);
  EXPECT_EQ(listing(), std::vector<std::string>{"compare.h5"});  // atomic: no temporary left

  EXPECT_EQ(string_attribute(path, "format"), "journeysim-compare/1");
  EXPECT_EQ(string_attribute(path, "version"), JOURNEYSIM_VERSION);
  EXPECT_EQ(string_attribute(path, "pairing"), "paired");
  EXPECT_EQ(strings_attribute(path, "arms"), (std::vector<std::string>{"fix/support", "référence ✓"}));
  {
    const H5::H5File h5(path, H5F_ACC_RDONLY);
    EXPECT_TRUE(h5.nameExists("/baseline/summary/conversion_rate"));
    EXPECT_TRUE(h5.nameExists("/baseline/runs/purchasers"));
    EXPECT_TRUE(h5.nameExists("/arms/fix\u2215support/runs/purchasers"));  // '/' → '∕'
    EXPECT_TRUE(h5.nameExists("/arms/référence ✓/series/newly_aware_by_channel"));
  }
  expect_differences_stored(path, comparison, 0, "/arms/fix\u2215support");
  expect_differences_stored(path, comparison, 1, "/arms/référence ✓");
  // The deltas are not all trivial: purchasers rose in every replication.
  const auto purchasers = read_dataset<double>(path, "/arms/fix\u2215support/delta/purchasers",
                                               H5::PredType::NATIVE_DOUBLE);
  EXPECT_DOUBLE_EQ(purchasers[0], (3.0 + 4.0 + 7.0) / 3.0);
  EXPECT_FALSE(std::isnan(purchasers[1]));

  const Comparison read = read_comparison_hdf5(path);
  ASSERT_EQ(read.arms.size(), 2u);
  EXPECT_EQ(read.arms[0].label, "fix/support");
  EXPECT_EQ(read.arms[1].label, "référence ✓");
  expect_same_comparison(comparison, read);
  write_comparison_hdf5(read, file("again.h5"));
  expect_same_files(path, file("again.h5"));
}

TEST_F(Hdf5RoundTrip, UnpairedComparison) {
  // Two files compared: independent results, even of different replication counts.
  const Comparison comparison{make_results(3), {make_arm(2, "ecosystem.yaml")}, Pairing::unpaired};
  const std::string path = file("compare.h5");
  write_comparison_hdf5(comparison, path);
  EXPECT_EQ(string_attribute(path, "pairing"), "unpaired");
  expect_differences_stored(path, comparison, 0, "/arms/ecosystem.yaml");
  const Comparison read = read_comparison_hdf5(path);
  expect_same_comparison(comparison, read);
  write_comparison_hdf5(read, file("again.h5"));
  expect_same_files(path, file("again.h5"));
}

TEST_F(Hdf5RoundTrip, LabelsThatAreNotGroupNamesSurvive) {
  const Comparison comparison{make_results(2),
                              {make_arm(2, ""), make_arm(2, "a/b"), make_arm(2, "a/b"), make_arm(2, "."),
                               make_arm(2, "a\u2215b")},
                              Pairing::paired};
  write_comparison_hdf5(comparison, file("compare.h5"));
  const Comparison read = read_comparison_hdf5(file("compare.h5"));
  ASSERT_EQ(read.arms.size(), comparison.arms.size());
  for (std::size_t i = 0; i < read.arms.size(); ++i) EXPECT_EQ(read.arms[i].label, comparison.arms[i].label);
  expect_same_comparison(comparison, read);
}

TEST_F(Hdf5RoundTrip, PairedComparisonNeedsMatchingReplications) {
  const Comparison comparison{make_results(3), {make_arm(2, "short")}, Pairing::paired};
  EXPECT_THROW(write_comparison_hdf5(comparison, file("compare.h5")), InternalError);
  EXPECT_TRUE(listing().empty());
}

TEST_F(Hdf5RoundTrip, EngineComparison) {
  Diagnostics diagnostics;
  const auto scenario =
      load_scenario_file(std::string(JOURNEYSIM_SOURCE_DIR) + "/scenarios/ecosystem.yaml", diagnostics);
  ASSERT_TRUE(scenario) << diagnostics.format();
  const auto fixed = apply_strategy(*scenario, "fix_support", diagnostics);
  ASSERT_TRUE(fixed) << diagnostics.format();
  RunOptions options;
  options.market_size = 20000;
  options.replications = 2;
  Comparison comparison{run_scenario(*scenario, options), {run_scenario(*fixed, options)}, Pairing::paired};
  comparison.baseline.label = "baseline";
  comparison.arms[0].label = "fix_support";
  EXPECT_EQ(comparison.arms[0].strategies, std::vector<std::string>{"fix_support"});
  const std::string path = file("compare.h5");
  write_comparison_hdf5(comparison, path);
  expect_differences_stored(path, comparison, 0, "/arms/fix_support");
  const Comparison read = read_comparison_hdf5(path);
  expect_same_comparison(comparison, read);
  write_comparison_hdf5(read, file("again.h5"));
  expect_same_files(path, file("again.h5"));
}

// Arm against arm: /pairs/<A vs B> holds A − B for every pair, as
// Comparison::pair_metrics gives them, named in the root attribute `pairs`.
TEST_F(Hdf5RoundTrip, ComparisonStoresEveryPairOfArms) {
  Results baseline = make_results(3);
  baseline.label = "baseline";
  Results a = make_arm(3, "a/1"), b = make_arm(3, "b"), c = make_arm(3, "c");
  for (std::size_t k = 0; k < 3; ++k) {  // make the arms differ from each other
    b.runs[k].purchasers += 2 * k + 1;
    c.runs[k].revenue += 10.0 * static_cast<double>(k);
  }
  const Comparison comparison{baseline, {a, b, c}, Pairing::paired};
  const std::string path = file("pairs.h5");
  write_comparison_hdf5(comparison, path);
  EXPECT_EQ(strings_attribute(path, "pairs"), (std::vector<std::string>{"a/1 vs b", "a/1 vs c", "b vs c"}));
  const std::vector<std::string> groups{"/pairs/a\u22151 vs b", "/pairs/a\u22151 vs c", "/pairs/b vs c"};
  const std::vector<ArmPair> pairs = comparison.pairs();
  ASSERT_EQ(pairs.size(), 3u);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    SCOPED_TRACE(groups[i]);
    const Results& arm = comparison.arms[pairs[i].arm];
    const Results& versus = comparison.arms[pairs[i].versus];
    expect_differences_stored(path, versus, arm, comparison.pair_metrics(pairs[i]), Pairing::paired, groups[i]);
  }
  // b vs c: purchasers of b − c are 1, 3, 5 (b's additions; c's are the shared base).
  const auto purchasers = read_dataset<double>(path, "/pairs/b vs c/delta/purchasers", H5::PredType::NATIVE_DOUBLE);
  EXPECT_DOUBLE_EQ(purchasers[0], 3.0);
  const Comparison read = read_comparison_hdf5(path);  // pairs are derived: reading ignores them
  expect_same_comparison(comparison, read);
}

}  // namespace
}  // namespace journeysim
