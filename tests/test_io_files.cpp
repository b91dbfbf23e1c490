// Writers (src/io), part 2: files. HDF5 round trip and atomic replacement
// (a failing writer leaves the previous file and no temporary behind).
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <H5Cpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "io_test_support.hpp"
#include "journeysim/io.hpp"
#include "journeysim/results.hpp"

using journeysim::Interval;
using journeysim::Metric;
using journeysim::Results;
using journeysim::RunResult;
using journeysim::io_testing::IoFiles;
using journeysim::io_testing::kDays;
using journeysim::io_testing::kT975Df2;
using journeysim::io_testing::make_results;
namespace fs = std::filesystem;

// ---- HDF5 -------------------------------------------------------------------

namespace {

template <class T>
std::vector<T> read_dataset(const H5::H5File& file, const std::string& name,
                            const H5::PredType& type, std::vector<hsize_t>* dims_out = nullptr) {
  H5::DataSet dataset = file.openDataSet(name);
  H5::DataSpace space = dataset.getSpace();
  std::vector<hsize_t> dims(static_cast<std::size_t>(space.getSimpleExtentNdims()));
  space.getSimpleExtentDims(dims.data());
  if (dims_out) *dims_out = dims;
  std::vector<T> values(static_cast<std::size_t>(space.getSimpleExtentNpoints()));
  if (!values.empty()) dataset.read(values.data(), type);
  return values;
}

std::vector<std::string> read_strings(const H5::H5File& file, const std::string& name) {
  H5::DataSet dataset = file.openDataSet(name);
  H5::DataSpace space = dataset.getSpace();
  const H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  std::vector<char*> raw(static_cast<std::size_t>(space.getSimpleExtentNpoints()));
  if (raw.empty()) return {};
  dataset.read(raw.data(), type);
  std::vector<std::string> out(raw.begin(), raw.end());
  H5Dvlen_reclaim(type.getId(), space.getId(), H5P_DEFAULT, raw.data());
  return out;
}

std::string string_attribute(const H5::H5Object& object, const std::string& name) {
  H5::Attribute attribute = object.openAttribute(name);
  std::string value;
  attribute.read(attribute.getStrType(), value);
  return value;
}

template <class T>
T scalar_attribute(const H5::H5Object& object, const std::string& name, const H5::PredType& type) {
  T value{};
  object.openAttribute(name).read(type, &value);
  return value;
}

}  // namespace

TEST_F(IoFiles, IoHdf5RoundTrip) {
  Results res = make_results(3);
  res.scenario_text = std::string(200'000, 'x') + "\nname: big";  // larger than 64 KiB
  const fs::path path = dir_ / "run.h5";
  journeysim::write_results_hdf5(res, path.string());
  EXPECT_EQ(listing(), std::vector<std::string>{"run.h5"});

  const H5::H5File file(path.string(), H5F_ACC_RDONLY);
  const H5::Group root = file.openGroup("/");
  EXPECT_EQ(string_attribute(root, "version"), JOURNEYSIM_VERSION);
  EXPECT_EQ(string_attribute(root, "scenario_text"), res.scenario_text);
  EXPECT_EQ(string_attribute(root, "scenario_path"), "scenarios/synthetic.yaml");
  EXPECT_EQ(string_attribute(root, "scenario_name"), "synthetic");
  EXPECT_EQ(string_attribute(root, "strategy"), "fix_support");
  EXPECT_EQ(scalar_attribute<std::uint64_t>(root, "seed", H5::PredType::NATIVE_UINT64), 42u);
  EXPECT_EQ(scalar_attribute<std::uint64_t>(root, "market_size", H5::PredType::NATIVE_UINT64),
            1000u);
  EXPECT_EQ(scalar_attribute<std::uint32_t>(root, "threads", H5::PredType::NATIVE_UINT32), 8u);
  EXPECT_EQ(scalar_attribute<std::uint32_t>(root, "replications", H5::PredType::NATIVE_UINT32),
            3u);
  EXPECT_DOUBLE_EQ(scalar_attribute<double>(root, "horizon_days", H5::PredType::NATIVE_DOUBLE),
                   4.0);
  EXPECT_DOUBLE_EQ(scalar_attribute<double>(root, "wall_seconds", H5::PredType::NATIVE_DOUBLE),
                   1.5);

  // /summary: per-replication values plus the interval as attributes.
  std::vector<hsize_t> dims;
  const auto conversion =
      read_dataset<double>(file, "/summary/conversion_rate", H5::PredType::NATIVE_DOUBLE, &dims);
  EXPECT_EQ(dims, std::vector<hsize_t>{3});
  EXPECT_DOUBLE_EQ(conversion[0], 0.1);
  EXPECT_DOUBLE_EQ(conversion[2], 0.3);
  const H5::DataSet conversion_set = file.openDataSet("/summary/conversion_rate");
  const double half = kT975Df2 * 0.1 / std::sqrt(3.0);
  EXPECT_NEAR(scalar_attribute<double>(conversion_set, "mean", H5::PredType::NATIVE_DOUBLE), 0.2,
              1e-15);
  // 0.2 − half is below 0: the file holds the interval clipped to [0, 1], as JSON does.
  ASSERT_LT(0.2 - half, 0.0);
  EXPECT_EQ(scalar_attribute<double>(conversion_set, "ci95_low", H5::PredType::NATIVE_DOUBLE), 0.0);
  EXPECT_NEAR(scalar_attribute<double>(conversion_set, "ci95_high", H5::PredType::NATIVE_DOUBLE),
              0.2 + half, 1e-12);
  for (const Metric& metric : journeysim::summarize(res)) {
    EXPECT_TRUE(file.nameExists("/summary/" + metric.key)) << metric.key;
  }

  // /touchpoints
  EXPECT_EQ(read_strings(file, "/touchpoints/name"), res.touchpoints);
  EXPECT_EQ(read_dataset<double>(file, "/touchpoints/cost_per_visit", H5::PredType::NATIVE_DOUBLE),
            res.touchpoint_cost);
  const auto visits =
      read_dataset<std::uint64_t>(file, "/touchpoints/visits", H5::PredType::NATIVE_UINT64, &dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{3, 3}));
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t t = 0; t < 3; ++t) {
      EXPECT_EQ(visits[r * 3 + t], res.runs[r].touchpoint_visits[t]);
    }
  }

  // /flows
  EXPECT_EQ(read_strings(file, "/flows/from"),
            (std::vector<std::string>{"channel:search", "search", "website"}));
  EXPECT_EQ(read_strings(file, "/flows/to"),
            (std::vector<std::string>{"search", "website", "checkout"}));
  EXPECT_EQ(read_dataset<std::uint8_t>(file, "/flows/entry", H5::PredType::NATIVE_UINT8),
            (std::vector<std::uint8_t>{1, 0, 0}));
  const auto traversals =
      read_dataset<std::uint64_t>(file, "/flows/traversals", H5::PredType::NATIVE_UINT64, &dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{3, 3}));
  EXPECT_EQ(traversals[2 * 3 + 2], 36u);

  // /series
  EXPECT_EQ(read_dataset<std::uint32_t>(file, "/series/day", H5::PredType::NATIVE_UINT32),
            (std::vector<std::uint32_t>{0, 1, 2, 3}));
  const auto cumulative = read_dataset<std::uint64_t>(
      file, "/series/purchasers_cumulative", H5::PredType::NATIVE_UINT64, &dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{3, kDays}));
  EXPECT_EQ(cumulative[1 * kDays + 3], 20u);
  const auto rating =
      read_dataset<double>(file, "/series/public_rating", H5::PredType::NATIVE_DOUBLE);
  EXPECT_DOUBLE_EQ(rating[2 * kDays + 3], 0.72);
  EXPECT_EQ(read_strings(file, "/series/channels"), res.channels);
  const auto by_channel = read_dataset<std::uint64_t>(
      file, "/series/newly_aware_by_channel", H5::PredType::NATIVE_UINT64, &dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{3, 2, kDays}));
  EXPECT_EQ(by_channel[(2 * 2 + 1) * kDays + 1], 3u);  // run 2, social_ad, day 1
  EXPECT_EQ(by_channel[(0 * 2 + 0) * kDays + 3], 40u);

  // /segments
  EXPECT_EQ(read_strings(file, "/segments/name"), res.segments);
  const auto seg_revenue =
      read_dataset<double>(file, "/segments/revenue", H5::PredType::NATIVE_DOUBLE, &dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{3, 2}));
  EXPECT_DOUBLE_EQ(seg_revenue[1 * 2 + 1], 1152.0);
  const auto seg_purchasers =
      read_dataset<std::uint64_t>(file, "/segments/purchasers", H5::PredType::NATIVE_UINT64);
  EXPECT_EQ(seg_purchasers[2 * 2 + 0], 12u);
}

TEST_F(IoFiles, IoHdf5OneReplicationHasNoIntervalAndEmptyListsWork) {
  Results res = make_results(1);
  res.segments.clear();
  res.flows.clear();
  for (RunResult& run : res.runs) {
    run.segments.clear();
    run.flow_traversals.clear();
  }
  const fs::path path = dir_ / "one.h5";
  journeysim::write_results_hdf5(res, path.string());
  const H5::H5File file(path.string(), H5F_ACC_RDONLY);
  const H5::DataSet nps = file.openDataSet("/summary/nps");
  EXPECT_DOUBLE_EQ(scalar_attribute<double>(nps, "mean", H5::PredType::NATIVE_DOUBLE), 30.0);
  EXPECT_TRUE(std::isnan(scalar_attribute<double>(nps, "ci95_low", H5::PredType::NATIVE_DOUBLE)));
  EXPECT_TRUE(read_strings(file, "/segments/name").empty());
  std::vector<hsize_t> dims;
  (void)read_dataset<std::uint64_t>(file, "/flows/traversals", H5::PredType::NATIVE_UINT64, &dims);
  EXPECT_EQ(dims, (std::vector<hsize_t>{1, 0}));
}

TEST_F(IoFiles, IoHdf5DatasetsDoNotDependOnTiming) {
  // Timing lives in attributes only: two results differing only in wall time
  // and thread count have identical datasets (compared byte for byte here).
  Results a = make_results(2);
  Results b = make_results(2);
  b.threads = 1;
  b.wall_seconds = 99.0;
  for (RunResult& run : b.runs) run.wall_seconds = 42.0;
  journeysim::write_results_hdf5(a, (dir_ / "a.h5").string());
  journeysim::write_results_hdf5(b, (dir_ / "b.h5").string());
  const H5::H5File fa((dir_ / "a.h5").string(), H5F_ACC_RDONLY);
  const H5::H5File fb((dir_ / "b.h5").string(), H5F_ACC_RDONLY);
  for (const char* name : {"/summary/revenue", "/summary/conversion_rate", "/series/public_rating"}) {
    EXPECT_EQ(read_dataset<double>(fa, name, H5::PredType::NATIVE_DOUBLE),
              read_dataset<double>(fb, name, H5::PredType::NATIVE_DOUBLE))
        << name;
  }
  EXPECT_FALSE(fa.nameExists("/summary/wall_seconds"));
  EXPECT_FALSE(fa.nameExists("/summary/events_per_s"));
}

TEST_F(IoFiles, IoHdf5MissingDirectoryIsAClearError) {
  const fs::path path = dir_ / "no-such-dir" / "run.h5";
  try {
    journeysim::write_results_hdf5(make_results(1), path.string());
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("does not exist"), std::string::npos) << what;
    EXPECT_NE(what.find("no-such-dir"), std::string::npos) << what;
  }
  EXPECT_TRUE(listing().empty());
}

// ---- atomic writes ----------------------------------------------------------

TEST_F(IoFiles, IoAtomicWriteReplacesContent) {
  const fs::path path = dir_ / "out.json";
  journeysim::write_text_atomically(path.string(), "first");
  EXPECT_EQ(slurp(path), "first");
  journeysim::write_text_atomically(path.string(), "second, longer");
  EXPECT_EQ(slurp(path), "second, longer");
  EXPECT_EQ(listing(), std::vector<std::string>{"out.json"});
}

TEST_F(IoFiles, IoAtomicWriteFailureKeepsPreviousFile) {
  const fs::path path = dir_ / "out.json";
  journeysim::write_text_atomically(path.string(), "previous");
  std::string seen_temp;
  const auto failing = [&](const std::string& temp) {
    seen_temp = temp;
    std::ofstream(temp) << "half-writ";
    throw std::runtime_error("disk on fire");
  };
  try {
    journeysim::write_file_atomically(path.string(), failing);
    FAIL() << "expected the writer's exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "disk on fire");  // rethrown unchanged
  }
  EXPECT_EQ(slurp(path), "previous");
  EXPECT_EQ(listing(), std::vector<std::string>{"out.json"});  // no temp left behind
  // The temporary file sat next to the target.
  EXPECT_EQ(fs::path(seen_temp).parent_path(), dir_);
  EXPECT_EQ(seen_temp.rfind(path.string() + ".tmp-" + std::to_string(::getpid()), 0), 0u)
      << seen_temp;
}

TEST_F(IoFiles, IoAtomicWriteFailureWithoutPreviousFileLeavesNothing) {
  const fs::path path = dir_ / "new.h5";
  EXPECT_THROW(journeysim::write_file_atomically(path.string(),
                                                 [](const std::string& temp) {
                                                   std::ofstream(temp) << "junk";
                                                   throw std::logic_error("bug");
                                                 }),
               std::logic_error);
  EXPECT_TRUE(listing().empty());
}

TEST_F(IoFiles, IoAtomicWriterThatCreatesNothingIsAnError) {
  const fs::path path = dir_ / "out.txt";
  EXPECT_THROW(journeysim::write_file_atomically(path.string(), [](const std::string&) {}),
               std::runtime_error);
  EXPECT_TRUE(listing().empty());
}

TEST_F(IoFiles, IoAtomicWriteMissingDirectoryIsAClearError) {
  const fs::path path = dir_ / "missing" / "out.json";
  bool called = false;
  try {
    journeysim::write_file_atomically(path.string(), [&](const std::string&) { called = true; });
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("does not exist"), std::string::npos) << what;
    EXPECT_NE(what.find((dir_ / "missing").string()), std::string::npos) << what;
  }
  EXPECT_FALSE(called);
  EXPECT_THROW(journeysim::write_text_atomically(path.string(), "x"), std::runtime_error);
}

TEST_F(IoFiles, IoAtomicWriteUnwritableDirectoryIsAClearError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can write anywhere";
  const fs::path locked = dir_ / "locked";
  fs::create_directory(locked);
  fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
  try {
    journeysim::write_text_atomically((locked / "out.json").string(), "x");
    ADD_FAILURE() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not writable"), std::string::npos) << e.what();
  }
  fs::permissions(locked, fs::perms::owner_all);
}

TEST_F(IoFiles, IoAtomicWriteOntoADirectoryIsAnError) {
  fs::create_directory(dir_ / "taken");
  EXPECT_THROW(journeysim::write_text_atomically((dir_ / "taken").string(), "x"),
               std::runtime_error);
  EXPECT_EQ(listing(), std::vector<std::string>{"taken"});
}
