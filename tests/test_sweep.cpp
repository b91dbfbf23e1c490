// Running sweeps (journeysim/sweep.hpp): every point is the scenario with its
// edits run like a plain engine.run, replication k of every point shares its
// seed, the HDF5 layout is DESIGN.md's, problems stop the sweep before it
// runs, and an interrupted sweep resumes (from the snapshot, the journal, a
// torn journal) to exactly the file of an uninterrupted one.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <H5Cpp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hdf5_datasets.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/load.hpp"
#include "journeysim/statistics.hpp"
#include "journeysim/sweep.hpp"
#include "support.hpp"

namespace journeysim {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMarket = 20000;

class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (fs::temp_directory_path() / "journeysim-sweep-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    for (const auto& entry : fs::directory_iterator(path_)) out.push_back(entry.path().filename().string());
    return out;
  }

 private:
  fs::path path_;
};

Engine& engine() {
  static Engine shared(2);
  return shared;
}

SweepJob make_job(const std::vector<std::string>& params, const std::string& out, std::uint32_t replications = 2) {
  std::vector<SweepAxis> axes;
  for (const auto& param : params) axes.push_back(parse_parameter(param));
  SweepJob job;
  job.scenario = testing::shipped_ecosystem();
  job.plan = plan_from_options(axes, false, 0, "");
  job.seed = 11;
  job.market_size = kMarket;
  job.replications = replications;
  job.output_path = out;
  return job;
}

SweepOutcome run(const SweepJob& job, std::function<void(std::size_t, std::size_t)> on_point = {}) {
  Diagnostics diagnostics;
  const SweepOutcome outcome = run_sweep(job, engine(), diagnostics, on_point);
  EXPECT_FALSE(diagnostics.has_errors()) << diagnostics.format();
  return outcome;
}

// A crash in the middle of a sweep: thrown after `after` more points finished.
struct Crash {};
std::function<void(std::size_t, std::size_t)> crash_after(std::size_t after) {
  auto calls = std::make_shared<std::size_t>(0);
  return [after, calls](std::size_t, std::size_t) {
    if ((*calls)++ == after) throw Crash{};  // the first call is the start
  };
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

::testing::AssertionResult same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return ::testing::AssertionFailure() << "sizes " << a.size() << " and " << b.size();
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same_bits(a[i], b[i])) return ::testing::AssertionFailure() << "at " << i << ": " << a[i] << " vs " << b[i];
  return ::testing::AssertionSuccess();
}

using journeysim::testing_hdf5::datasets_of;

void expect_identical_files(const std::string& a, const std::string& b) {
  const auto left = datasets_of(a), right = datasets_of(b);
  ASSERT_FALSE(left.empty());
  ASSERT_EQ(left.size(), right.size());
  for (const auto& [path, bytes] : left) {
    ASSERT_EQ(right.count(path), 1u) << path;
    EXPECT_TRUE(bytes == right.at(path)) << path << " differs";
  }
}

long done_count(const std::string& path) {
  const SweepData data = read_sweep_hdf5(path);
  return std::count(data.done.begin(), data.done.end(), std::uint8_t{1});
}

std::size_t metric_index(const SweepData& data, const std::string& key) {
  for (std::size_t k = 0; k < data.metric_keys.size(); ++k)
    if (data.metric_keys[k] == key) return k;
  ADD_FAILURE() << "no metric " << key;
  return 0;
}

TEST(Sweep, APointEqualsAPlainRunWithTheSameEditsAndSeed) {
  TempFolder dir;
  SweepJob job = make_job({"word_of_mouth.rate=list:0.1,0.4", "touchpoints.support.cost=list:2,6"}, dir / "s.h5", 3);
  job.plan.strategies = {"fix_support"};
  const SweepOutcome outcome = run(job);
  EXPECT_EQ(outcome.points, 4u);
  EXPECT_EQ(outcome.ran, 4u);
  const SweepData data = read_sweep_hdf5(job.output_path);
  ASSERT_EQ(data.points, 4u);

  // Point 2 is (0.4, 2): the first axis varies slowest.
  Diagnostics diagnostics;
  const auto scenario = apply_strategies(testing::shipped_ecosystem(), {"fix_support"}, diagnostics,
                                         {parse_assignment("word_of_mouth.rate=0.4", {"test", 0, 0}),
                                          parse_assignment("touchpoints.support.cost=2", {"test", 0, 0})});
  ASSERT_TRUE(scenario) << diagnostics.format();
  const Results plain = engine().run(RunPlan{*scenario, "plain", job.seed, kMarket, 0, 3, 1'000'000});
  EXPECT_EQ(data.parameter_values[2 * 2 + 0], 0.4);
  EXPECT_EQ(data.parameter_values[2 * 2 + 1], 2.0);
  const std::size_t R = 3;
  for (const MetricDefinition& metric : headline_metrics()) {
    const std::vector<double> expected = metric_values(plain, metric);
    const std::vector<double>& stored = data.metrics[metric_index(data, metric.key)];
    const std::vector<double> got(stored.begin() + 2 * R, stored.begin() + 3 * R);
    EXPECT_TRUE(same_bits(got, expected)) << metric.key;
    EXPECT_TRUE(same_bits(data.summary[metric_index(data, metric.key)][2 * 3], confidence_interval(expected).mean))
        << metric.key;
  }
  const std::vector<SeriesSummary> series = summarize_series(plain);
  ASSERT_EQ(data.series_names.size(), series.size());
  for (std::size_t s = 0; s < series.size(); ++s) {
    EXPECT_EQ(data.series_names[s], series[s].name);
    ASSERT_EQ(series[s].days.size(), data.days);
    for (std::size_t d = 0; d < data.days; ++d)
      EXPECT_TRUE(same_bits(data.series[s][2 * data.days + d], series[s].days[d].mean)) << series[s].name << " day " << d;
  }
  // And another point differs from it (the edits took effect).
  const auto& purchasers = data.metrics[metric_index(data, "purchasers")];
  EXPECT_NE(purchasers[0], purchasers[2 * R]);
}

TEST(Sweep, ReplicationKOfEveryPointSharesItsSeed) {
  TempFolder dir;
  // The cost of a search visit changes no one's journey, only the cost.
  const SweepJob job = make_job({"touchpoints.search.cost=list:0.5,1.2,3"}, dir / "s.h5", 3);
  run(job);
  const SweepData data = read_sweep_hdf5(job.output_path);
  const auto& purchasers = data.metrics[metric_index(data, "purchasers")];
  const auto& cost = data.metrics[metric_index(data, "cost")];
  for (std::size_t p = 1; p < 3; ++p) {
    for (std::size_t r = 0; r < 3; ++r) {
      EXPECT_EQ(purchasers[p * 3 + r], purchasers[r]) << "point " << p << ", replication " << r;
      EXPECT_GT(cost[p * 3 + r], cost[(p - 1) * 3 + r]);
    }
  }
  EXPECT_NE(purchasers[0], purchasers[1]);  // but replications differ from each other
}

TEST(Sweep, TheFileHasTheLayoutOfTheDesign) {
  TempFolder dir;
  const SweepJob job = make_job({"word_of_mouth.rate=0:0.5:3", "touchpoints.support.cost=list:1,2"}, dir / "s.h5");
  run(job);
  const H5::H5File file(job.output_path, H5F_ACC_RDONLY);
  const H5::Group root = file.openGroup("/");
  const auto text = [&](const char* name) {
    std::string value;
    const H5::Attribute attribute = root.openAttribute(name);
    attribute.read(attribute.getStrType(), value);
    return value;
  };
  EXPECT_EQ(text("format"), "journeysim-sweep/1");
  EXPECT_EQ(text("version"), JOURNEYSIM_VERSION);
  EXPECT_EQ(text("scenario_name"), "ecosystem");
  EXPECT_EQ(text("scenario_text"), testing::shipped_ecosystem().source_text);
  EXPECT_EQ(text("plan_text"), job.plan.plan_text);
  for (const char* name : {"seed", "replications", "market_size"})
    EXPECT_EQ(root.openAttribute(name).getTypeClass(), H5T_INTEGER) << name;
  std::uint64_t market = 0;
  root.openAttribute("market_size").read(H5::PredType::NATIVE_UINT64, &market);
  EXPECT_EQ(market, kMarket);

  const auto shape = [&](const std::string& path) {
    const H5::DataSet dataset = file.openDataSet(path);
    std::vector<hsize_t> dims(static_cast<std::size_t>(dataset.getSpace().getSimpleExtentNdims()));
    dataset.getSpace().getSimpleExtentDims(dims.data());
    return dims;
  };
  const auto is_f64 = [&](const std::string& path) {
    return file.openDataSet(path).getDataType() == H5::PredType::IEEE_F64LE;
  };
  EXPECT_EQ(shape("/parameters"), (std::vector<hsize_t>{6, 2}));
  EXPECT_TRUE(is_f64("/parameters"));
  std::vector<std::string> names;
  {
    const H5::Attribute attribute = file.openDataSet("/parameters").openAttribute("names");
    std::vector<char*> raw(2);
    attribute.read(attribute.getStrType(), raw.data());
    for (char* name : raw) names.emplace_back(name);
    H5Dvlen_reclaim(attribute.getStrType().getId(), attribute.getSpace().getId(), H5P_DEFAULT, raw.data());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"word_of_mouth.rate", "touchpoints.support.cost"}));
  for (const MetricDefinition& metric : headline_metrics()) {
    EXPECT_EQ(shape(std::string("/metrics/") + metric.key), (std::vector<hsize_t>{6, 2})) << metric.key;
    EXPECT_TRUE(is_f64(std::string("/metrics/") + metric.key));
    EXPECT_EQ(shape(std::string("/summary/") + metric.key), (std::vector<hsize_t>{6, 3})) << metric.key;
    EXPECT_TRUE(is_f64(std::string("/summary/") + metric.key));
  }
  for (const char* series : {"purchasers_cumulative", "purchases", "new_purchasers", "newly_aware_initial",
                             "newly_aware_word_of_mouth", "newly_aware_by_channel/social_ad",
                             "newly_aware_by_channel/search", "active_advocates", "public_rating"}) {
    EXPECT_EQ(shape(std::string("/series/") + series), (std::vector<hsize_t>{6, 180})) << series;
    EXPECT_TRUE(is_f64(std::string("/series/") + series));
  }
  EXPECT_EQ(shape("/done"), (std::vector<hsize_t>{6}));
  EXPECT_EQ(file.openDataSet("/done").getDataType(), H5::PredType::STD_U8LE);
  // Nothing else at the root.
  std::vector<std::string> children;
  for (hsize_t i = 0; i < root.getNumObjs(); ++i) children.push_back(root.getObjnameByIdx(i));
  EXPECT_EQ(children, (std::vector<std::string>{"done", "metrics", "parameters", "series", "summary"}));

  const SweepData data = read_sweep_hdf5(job.output_path);
  EXPECT_EQ(data.done, std::vector<std::uint8_t>(6, 1));
  EXPECT_EQ(data.replications, 2u);
  EXPECT_EQ(data.seed, 11u);
  const std::size_t k = metric_index(data, "purchasers");
  EXPECT_LE(data.summary[k][1], data.summary[k][0]);
  EXPECT_GE(data.summary[k][2], data.summary[k][0]);
}

TEST(Sweep, ABadPathIsReportedOnceBeforeAnythingRuns) {
  TempFolder dir;
  const SweepJob job = make_job({"word_of_mouth.rat=0:0.5:4"}, dir / "s.h5");
  Diagnostics diagnostics;
  const SweepOutcome outcome = run_sweep(job, engine(), diagnostics);
  EXPECT_EQ(outcome.ran, 0u);
  ASSERT_EQ(diagnostics.all().size(), 1u) << diagnostics.format();
  const std::string message = diagnostics.all()[0].message;
  EXPECT_NE(message.find("point 0 (word_of_mouth.rat = 0)"), std::string::npos) << message;
  EXPECT_NE(message.find("rate"), std::string::npos) << message;  // what exists there
  EXPECT_TRUE(dir.files().empty());
}

TEST(Sweep, ABadValueAtALaterPointNamesThePointAndNothingRuns) {
  TempFolder dir;
  const SweepJob job = make_job({"awareness.channels.search.rate=list:0.002,0.004,-1"}, dir / "s.h5");
  Diagnostics diagnostics;
  const SweepOutcome outcome = run_sweep(job, engine(), diagnostics);
  EXPECT_EQ(outcome.ran, 0u);
  ASSERT_TRUE(diagnostics.has_errors());
  EXPECT_NE(diagnostics.format().find("point 2 (awareness.channels.search.rate = -1)"), std::string::npos)
      << diagnostics.format();
  EXPECT_TRUE(dir.files().empty());
}

TEST(Sweep, ResumeOfADifferentPlanIsRefused) {
  TempFolder dir;
  const SweepJob first = make_job({"word_of_mouth.rate=0:0.5:3"}, dir / "s.h5");
  run(first);
  SweepJob other = make_job({"word_of_mouth.rate=0:0.4:3"}, dir / "s.h5");
  other.resume = true;
  Diagnostics diagnostics;
  try {
    run_sweep(other, engine(), diagnostics);
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("s.h5 was made by a different plan or scenario"), std::string::npos)
        << error.what();
  }
  EXPECT_EQ(read_sweep_hdf5(first.output_path).parameter_values, (std::vector<double>{0, 0.25, 0.5}));

  // Also when the first was interrupted (its journal is there), or only the seed differs.
  SweepJob again = first;
  again.restart = true;
  EXPECT_THROW(run(again, crash_after(1)), Crash);
  other = first;
  other.seed = 12;
  other.resume = true;
  EXPECT_THROW(run_sweep(other, engine(), diagnostics), InputError);
  // Without --resume it is refused too, and nothing is touched.
  other.resume = false;
  try {
    run_sweep(other, engine(), diagnostics);
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("s.h5 was made by a different plan or scenario (file vs this sweep: "
                                             "seed 11 vs 12): add --restart"),
              std::string::npos)
        << error.what();
  }
  EXPECT_TRUE(fs::exists(first.output_path + ".journal"));
  // With --restart it starts afresh, replacing both.
  other.restart = true;
  run(other);
  EXPECT_EQ(read_sweep_hdf5(first.output_path).seed, 12u);
  EXPECT_EQ(dir.files(), std::vector<std::string>{"s.h5"});
}

// The message of the InputError run_sweep throws for `job` ("" when it runs).
std::string refusal(const SweepJob& job) {
  Diagnostics diagnostics;
  try {
    run_sweep(job, engine(), diagnostics);
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

TEST(Sweep, FinishedPointsAreNotThrownAwayWithoutResumeOrRestart) {
  TempFolder dir;
  SweepJob job = make_job({"word_of_mouth.rate=0:0.5:4"}, dir / "s.h5", 1);
  const std::string hint = "add --resume to keep them and run the rest, or --restart to run every point again";
  // Points only in the journal (the snapshot is the first, empty one).
  job.snapshot_seconds = 1e9;
  EXPECT_THROW(run(job, crash_after(2)), Crash);
  const std::string journal = job.output_path + ".journal";
  const auto journal_size = fs::file_size(journal);
  EXPECT_EQ(refusal(job), "s.h5 already holds 2 of 4 finished points of this sweep: " + hint);
  EXPECT_EQ(fs::file_size(journal), journal_size);  // left alone
  EXPECT_EQ(done_count(job.output_path), 0);
  // Points only in the snapshot.
  fs::remove(journal);
  job.restart = true;
  job.snapshot_seconds = 0;
  EXPECT_THROW(run(job, crash_after(3)), Crash);
  fs::remove(journal);
  job.restart = false;
  EXPECT_EQ(refusal(job), "s.h5 already holds 3 of 4 finished points of this sweep: " + hint);
  EXPECT_EQ(done_count(job.output_path), 3);
  // Both at once is a mistake.
  job.resume = job.restart = true;
  EXPECT_NE(refusal(job).find("--resume and --restart cannot be used together"), std::string::npos);
  // Resumed to the end, then a complete file.
  job.restart = false;
  EXPECT_EQ(run(job).ran, 1u);
  job.resume = false;
  EXPECT_EQ(refusal(job), "s.h5 is already complete (all 4 points of this sweep are finished): " + hint);
  job.restart = true;
  const SweepOutcome again = run(job);
  EXPECT_EQ(again.ran, 4u);
  EXPECT_EQ(again.resumed, 0u);
  EXPECT_EQ(dir.files(), std::vector<std::string>{"s.h5"});
  // A file without finished points (killed before the first) is simply replaced.
  job.restart = false;
  fs::remove(job.output_path);
  EXPECT_THROW(run(job, crash_after(0)), Crash);
  EXPECT_EQ(done_count(job.output_path), 0);
  EXPECT_EQ(run(job).ran, 4u);
}

TEST(Sweep, AJournalWithATornLastRecordResumes) {
  TempFolder dir;
  SweepJob fresh = make_job({"word_of_mouth.rate=0:0.5:6"}, dir / "fresh.h5");
  run(fresh);
  // Torn: a kill in the middle of the last record's write. Damaged: a byte of it changed.
  for (const bool torn : {true, false}) {
    SCOPED_TRACE(torn ? "torn record" : "damaged record");
    SweepJob job = fresh;
    job.output_path = dir / (torn ? "torn.h5" : "damaged.h5");
    job.snapshot_seconds = 1e9;  // no snapshot but the first (empty) one: the journal is all there is
    EXPECT_THROW(run(job, crash_after(4)), Crash);
    const std::string journal = job.output_path + ".journal";
    ASSERT_TRUE(fs::exists(journal));
    EXPECT_EQ(done_count(job.output_path), 0);
    const auto size = fs::file_size(journal);
    if (torn) {
      fs::resize_file(journal, size - 100);
      std::ofstream(journal, std::ios::app | std::ios::binary) << "garbage";
    } else {
      std::fstream file(journal, std::ios::in | std::ios::out | std::ios::binary);
      file.seekg(static_cast<std::streamoff>(size - 200));
      const char byte = static_cast<char>(file.get());
      file.seekp(static_cast<std::streamoff>(size - 200));
      file.put(static_cast<char>(~byte));
    }
    job.resume = true;
    const SweepOutcome outcome = run(job);
    EXPECT_EQ(outcome.resumed, 3u);
    EXPECT_EQ(outcome.ran, 3u);
    EXPECT_FALSE(fs::exists(journal));
    expect_identical_files(job.output_path, fresh.output_path);
  }
}

TEST(Sweep, ResumeAfterPartialRunsGivesTheFileOfAnUninterruptedOne) {
  TempFolder dir;
  SweepJob job = make_job({"word_of_mouth.rate=0:0.5:4", "touchpoints.checkout.purchase.revenue=list:60,90"},
                          dir / "s.h5");
  // First interruption: a snapshot after every point, and the journal lost too.
  job.snapshot_seconds = 0;
  EXPECT_THROW(run(job, crash_after(3)), Crash);
  fs::remove(job.output_path + ".journal");
  EXPECT_EQ(done_count(job.output_path), 3);
  // Second: from the snapshot, then points kept only by the journal.
  job.resume = true;
  job.snapshot_seconds = 1e9;
  EXPECT_THROW(run(job, crash_after(2)), Crash);
  // Third: to the end.
  const SweepOutcome outcome = run(job);
  EXPECT_EQ(outcome.resumed, 5u);
  EXPECT_EQ(outcome.ran, 3u);
  // A resume of a finished sweep runs nothing and changes nothing.
  EXPECT_EQ(run(job).ran, 0u);

  SweepJob fresh = job;
  fresh.resume = false;
  fresh.output_path = dir / "fresh.h5";
  run(fresh);
  expect_identical_files(job.output_path, fresh.output_path);
  const SweepData resumed = read_sweep_hdf5(job.output_path), uninterrupted = read_sweep_hdf5(fresh.output_path);
  for (std::size_t k = 0; k < resumed.metrics.size(); ++k) {
    EXPECT_TRUE(same_bits(resumed.metrics[k], uninterrupted.metrics[k])) << resumed.metric_keys[k];
    EXPECT_TRUE(same_bits(resumed.summary[k], uninterrupted.summary[k])) << resumed.metric_keys[k];
  }
  EXPECT_EQ(dir.files().size(), 2u);  // no journal, no temporary files
}

TEST(Sweep, ReadingSomethingElseIsAnInputError) {
  TempFolder dir;
  { std::ofstream(dir / "x.h5") << "not hdf5"; }
  EXPECT_THROW(read_sweep_hdf5(dir / "x.h5"), InputError);
  EXPECT_THROW(read_sweep_hdf5(dir / "missing.h5"), InputError);
  {
    const H5::H5File file(dir / "other.h5", H5F_ACC_TRUNC);
  }
  try {
    read_sweep_hdf5(dir / "other.h5");
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("not a journeysim sweep file"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace journeysim
