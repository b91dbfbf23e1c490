// Running a sweep (journeysim/sweep.hpp): build every point's scenario first
// (so a bad path or value stops the sweep before anything runs), then run the
// points one after another on one Engine, each with all its threads.
//
// Durability: each finished point is appended to `<output>.journal` (one
// checksummed record; fdatasync'ed at most once a second, see Journal) before
// anything else happens; the HDF5
// file is a snapshot rewritten atomically now and then and at the end, when
// the journal goes. A kill at any moment loses at most the point in flight;
// --resume takes the points of the snapshot and the journal and runs the rest.
// A point's numbers come from the same function whether it ran now, came from
// the journal or from the snapshot, so a resumed sweep's datasets equal an
// uninterrupted one's bit for bit.
#include "journeysim/sweep.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <oneapi/tbb/blocked_range.h>

#include "ensemble/sweep_hdf5.hpp"
#include "ensemble/sweep_journal.hpp"
#include "journeysim/chain.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/io.hpp"
#include "journeysim/load.hpp"
#include "journeysim/statistics.hpp"
#include "runtime/parallel_for.hpp"

namespace journeysim {

namespace {

namespace fs = std::filesystem;
using sweep_detail::Hasher;
using sweep_detail::Journal;
using Clock = std::chrono::steady_clock;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
// Up to this many points keep their scenario from the check to the run; more
// are built again when they run (a scenario costs a few kB and ~2 ms to build).
constexpr std::size_t kKeptScenarios = 10'000;
// Points whose problems are listed in full; the rest are counted.
constexpr std::size_t kReportedPoints = 5;

// "point 17 (word_of_mouth.rate = 1.5)"; values rounded to 12 significant
// digits, so a grid step of 0.1 shows 0.3, not 0.30000000000000004.
std::string describe_point(const SweepPoints& points, std::size_t point) {
  std::string out = fmt::format("point {} (", point);
  for (std::size_t a = 0; a < points.paths.size(); ++a)
    out += fmt::format("{}{} = {}", a > 0 ? ", " : "", points.paths[a],
                       std::stod(fmt::format("{:.12g}", points.at(point, a))));
  return out + ")";
}

bool same_place(const SourceLocation& a, const SourceLocation& b) {
  return a.file == b.file && a.line == b.line && a.column == b.column;
}

// The parameter a point's error is about: the one it is located at, else
// the one whose path (or the map holding it) the message names, else the
// first. The base scenario loaded without errors, so every error of a point
// comes from its values, even one the loader files against a line of the
// scenario (a row whose sum the value pushed above 1).
std::size_t axis_of(const SweepPlan& plan, const Diagnostic& diagnostic) {
  for (std::size_t a = 0; a < plan.axes.size(); ++a)
    if (same_place(plan.axes[a].location, diagnostic.location)) return a;
  std::size_t best = 0, best_length = 0;
  for (std::size_t a = 0; a < plan.axes.size(); ++a) {
    std::string path = plan.axes[a].path;
    while (!path.empty()) {
      if (path.size() > best_length && diagnostic.message.find(path) != std::string::npos) {
        best = a;
        best_length = path.size();
        break;
      }
      const auto dot = path.rfind('.');
      path = dot == std::string::npos ? "" : path.substr(0, dot);
    }
  }
  return best;
}

// The plan's strategies, then a `set` per parameter, for one point. Points
// differ only in the values they set, so the YAML is parsed and the
// strategies applied once, not per point (RepeatedEdits: the same Scenario
// and diagnostics as apply_strategies), unless the job asks for the slow path.
class PointBuilder {
 public:
  PointBuilder(const SweepJob& job, const SweepPoints& points)
      : plan_(job.plan), points_(points), edits_(job.scenario, job.plan.strategies, set_edits(job, points)) {
    if (!job.fast_point_edits) {
      slow_ = true;
      scenario_ = &job.scenario;
      strategies_ = job.plan.strategies;
      slow_edits_ = set_edits(job, points);
    }
  }

  // The scenario of `point` (without its source text, which a sweep does not
  // keep), with what applying its edits said. Safe to call from several
  // threads at once.
  std::optional<Scenario> build(std::size_t point, Diagnostics& said) const {
    std::vector<double> values(points_.paths.size());
    for (std::size_t a = 0; a < values.size(); ++a) values[a] = points_.at(point, a);
    std::optional<Scenario> scenario = slow_ ? slow_build(values, said) : edits_.apply(values, said, false);
    if (scenario && said.has_errors()) scenario.reset();
    return scenario;
  }

  bool fast() const { return !slow_ && edits_.fast(); }

  // What building `point` said, to `out`: errors prefixed by the point,
  // warnings once each (every point would repeat those of the scenario).
  // An error is filed at the parameter that made it (the --param, or its
  // line in the plan file), with the scenario line it concerns in the text.
  void report(std::size_t point, const Diagnostics& said, Diagnostics& out) {
    for (const Diagnostic& diagnostic : said.all()) {
      if (diagnostic.severity == Severity::error) {
        if (plan_.axes.empty()) {
          out.error(diagnostic.location, describe_point(points_, point) + ": " + diagnostic.message);
          continue;
        }
        const SweepAxis& axis = plan_.axes[axis_of(plan_, diagnostic)];
        std::string message = describe_point(points_, point) + ": " + diagnostic.message;
        if (!same_place(axis.location, diagnostic.location) && !diagnostic.location.file.empty() &&
            diagnostic.location.file.rfind("--param", 0) != 0) {
          const SourceLocation& at = diagnostic.location;
          message += at.line > 0 ? fmt::format(" (at {}:{}:{})", at.file, at.line, at.column)
                                 : fmt::format(" (in {})", at.file);
        }
        out.error(axis.location, message);
      } else if (warned_.insert(diagnostic.format()).second) {
        out.warning(diagnostic.location, diagnostic.message);
      }
    }
  }

 private:
  static std::vector<StrategyEdit> set_edits(const SweepJob& job, const SweepPoints& points) {
    std::vector<StrategyEdit> edits;
    for (std::size_t a = 0; a < points.paths.size(); ++a) {
      StrategyEdit edit;
      edit.kind = StrategyEdit::Kind::set;
      edit.path = points.paths[a];
      edit.value = points.count > 0 ? points.at(0, a) : 0.0;
      if (a < job.plan.axes.size()) edit.location = job.plan.axes[a].location;
      edits.push_back(std::move(edit));
    }
    return edits;
  }

  // apply_strategies itself, point by point (to check the fast path against).
  std::optional<Scenario> slow_build(const std::vector<double>& values, Diagnostics& said) const {
    std::vector<StrategyEdit> edits = slow_edits_;
    for (std::size_t a = 0; a < values.size(); ++a) edits[a].value = values[a];
    std::optional<Scenario> scenario = apply_strategies(*scenario_, strategies_, said, edits);
    if (scenario) scenario->source_text.clear();
    return scenario;
  }

  const SweepPlan& plan_;
  const SweepPoints& points_;
  RepeatedEdits edits_;
  bool slow_ = false;
  const Scenario* scenario_ = nullptr;
  std::vector<std::string> strategies_;
  std::vector<StrategyEdit> slow_edits_;
  std::set<std::string> warned_;
};

std::size_t days_of(const Scenario& scenario) {
  // As the engine sizes its daily series: one entry per started day.
  return static_cast<std::size_t>(std::max(1.0, std::ceil(scenario.horizon_days)));
}

// Every point's scenario, checked before anything runs (built in parallel: a
// scenario takes a few ms to build). Kept, without their source text, when
// there are not too many. False after reporting problems.
bool check_points(const SweepJob& job, const SweepPoints& points, PointBuilder& builder, Diagnostics& diagnostics,
                  std::vector<Scenario>& kept, std::size_t& days, std::vector<std::string>& channels) {
  // Point 0 first: a path that names nothing fails at every point, so say it once.
  Diagnostics said;
  std::optional<Scenario> first = builder.build(0, said);
  builder.report(0, said, diagnostics);
  if (!first) return false;
  channels = channel_names(*first);
  const bool keep = points.count <= kKeptScenarios;
  if (keep) kept.resize(points.count);
  std::vector<std::size_t> point_days(points.count, 0);
  point_days[0] = days_of(*first);
  if (keep) kept[0] = std::move(*first);
  std::map<std::size_t, Diagnostics> said_by;  // only by points that failed or warned
  std::mutex said_mutex;
  runtime::parallel_for(oneapi::tbb::blocked_range<std::size_t>(1, points.count),
                            [&](const oneapi::tbb::blocked_range<std::size_t>& range) {
                              for (std::size_t p = range.begin(); p < range.end(); ++p) {
                                Diagnostics said_here;
                                std::optional<Scenario> scenario = builder.build(p, said_here);
                                if (!said_here.all().empty()) {
                                  const std::lock_guard<std::mutex> lock(said_mutex);
                                  said_by.emplace(p, std::move(said_here));
                                }
                                if (!scenario) continue;
                                point_days[p] = days_of(*scenario);
                                if (keep) kept[p] = std::move(*scenario);
                              }
                            });
  std::size_t failed = 0;
  for (const auto& [p, said_there] : said_by) {
    Diagnostics ignored;
    const bool fails = point_days[p] == 0;
    if (fails) ++failed;
    builder.report(p, said_there, fails && failed > kReportedPoints ? ignored : diagnostics);
  }
  const auto failing = static_cast<std::size_t>(std::count(point_days.begin(), point_days.end(), std::size_t{0}));
  if (failing > failed) failed = failing;  // (a point that failed without saying why)
  if (failed > kReportedPoints || (failed > 0 && !diagnostics.has_errors())) {
    const SourceLocation where = job.plan.axes.empty() ? SourceLocation{} : job.plan.axes.front().location;
    diagnostics.error(where, fmt::format("{} of {} points cannot run (the first {} are listed); nothing was run",
                                         failed, points.count, std::min(failed, kReportedPoints)));
  }
  for (Scenario& scenario : kept) scenario.source_text.clear();
  days = *std::max_element(point_days.begin(), point_days.end());
  return failed == 0;
}

// The file as it starts: every point not run.
SweepData empty_data(const SweepJob& job, const SweepPoints& points, std::size_t days,
                     const std::vector<std::string>& channels) {
  SweepData data;
  data.scenario_name = job.scenario.name;
  data.scenario_text = job.scenario.source_text;
  data.plan_text = job.plan.plan_text;
  data.version = JOURNEYSIM_VERSION;
  data.seed = job.seed;
  data.market_size = job.market_size != 0 ? job.market_size : job.scenario.market_size;
  data.replications = job.replications;
  data.parameters = points.paths;
  data.points = points.count;
  data.parameter_values = points.values;
  for (const MetricDefinition& metric : headline_metrics()) data.metric_keys.push_back(metric.key);
  data.metrics.assign(data.metric_keys.size(), std::vector<double>(points.count * job.replications, nan));
  data.summary.assign(data.metric_keys.size(), std::vector<double>(points.count * 3, nan));
  Results named;  // the series of a run with these channels, by name
  named.channels = channels;
  for (const SeriesSummary& series : summarize_series(named)) data.series_names.push_back(series.name);
  data.days = days;
  data.series.assign(data.series_names.size(), std::vector<double>(points.count * days, nan));
  data.done.assign(points.count, 0);
  data.strategies = job.plan.strategies;
  data.command_line = job.command_line;
  data.git_commit = build_git_commit();
  return data;
}

// Everything a point's numbers depend on, and the shape they take.
std::uint64_t fingerprint(const SweepJob& job, const SweepData& data) {
  Hasher h;
  h.text(sweep_detail::kSweepFormat);
  h.text(job.scenario.source_text);
  h.text(job.plan.plan_text);
  h.u64(job.plan.strategies.size());
  for (const std::string& name : job.plan.strategies) {
    h.text(name);
    for (const Strategy& strategy : job.scenario.strategies) {
      if (strategy.name != name) continue;
      for (const StrategyEdit& edit : strategy.edits) {
        h.u64(static_cast<std::uint64_t>(edit.kind));
        h.text(edit.path);
        h.real(edit.value);
        h.text(edit.value_yaml);
      }
    }
  }
  h.u64(job.seed);
  h.u64(job.market_size);
  h.u64(job.replications);
  h.u64(job.max_events_per_customer);
  h.u64(job.run_off ? 1 : 0);
  h.u64(data.points);
  for (const std::string& path : data.parameters) h.text(path);
  for (double value : data.parameter_values) h.real(value);
  for (const std::string& key : data.metric_keys) h.text(key);
  for (const std::string& name : data.series_names) h.text(name);
  h.u64(data.days);
  return h.value();
}

std::size_t values_per_point(const SweepData& data) {
  return data.metric_keys.size() * data.replications + data.series_names.size() * data.days;
}

// A point's numbers as the journal keeps them: metrics [key][replication],
// then series means [series][day] (NaN after a point's last day).
std::vector<double> point_values(const Results& results, const SweepData& data) {
  if (results.runs.size() != data.replications)
    throw InternalError(fmt::format("a sweep point ran {} replications, not {}", results.runs.size(), data.replications));
  std::vector<double> values;
  values.reserve(values_per_point(data));
  for (const MetricDefinition& metric : headline_metrics()) {
    const std::vector<double> per_run = metric_values(results, metric);
    values.insert(values.end(), per_run.begin(), per_run.end());
  }
  const std::vector<SeriesSummary> series = summarize_series(results);
  if (series.size() != data.series_names.size())
    throw InternalError("a sweep point has other daily series than the sweep expected");
  for (std::size_t s = 0; s < series.size(); ++s) {
    if (series[s].name != data.series_names[s] || series[s].days.size() > data.days)
      throw InternalError(fmt::format("a sweep point's series '{}' does not fit the sweep's", series[s].name));
    for (std::size_t d = 0; d < data.days; ++d) values.push_back(d < series[s].days.size() ? series[s].days[d].mean : nan);
  }
  if (values.size() != values_per_point(data)) throw InternalError("a sweep point has other metrics than expected");
  return values;
}

// Puts a point's numbers (point_values) into `data`, with its summary.
void store_point(SweepData& data, std::size_t point, const std::vector<double>& values) {
  const std::size_t runs = data.replications;
  auto next = values.begin();
  for (std::size_t k = 0; k < data.metric_keys.size(); ++k) {
    const std::vector<double> per_run(next, next + static_cast<std::ptrdiff_t>(runs));
    next += static_cast<std::ptrdiff_t>(runs);
    std::copy(per_run.begin(), per_run.end(), data.metrics[k].begin() + static_cast<std::ptrdiff_t>(point * runs));
    // The statistics module's numbers, clipped as summarize() clips them.
    const MetricDefinition* metric = find_metric(data.metric_keys[k]);
    if (metric == nullptr) throw InternalError("a sweep holds an unknown metric '" + data.metric_keys[k] + "'");
    const Interval interval = summarize_metric(*metric, per_run);
    double* summary = data.summary[k].data() + point * 3;
    summary[0] = interval.mean;
    summary[1] = interval.low.value_or(nan);
    summary[2] = interval.high.value_or(nan);
  }
  for (std::size_t s = 0; s < data.series_names.size(); ++s) {
    std::copy(next, next + static_cast<std::ptrdiff_t>(data.days),
              data.series[s].begin() + static_cast<std::ptrdiff_t>(point * data.days));
    next += static_cast<std::ptrdiff_t>(data.days);
  }
  data.done[point] = 1;
}

// The numbers of a finished point of an earlier snapshot, as point_values gave them.
std::vector<double> values_from(const SweepData& earlier, std::size_t point) {
  std::vector<double> values;
  for (const auto& metric : earlier.metrics)
    values.insert(values.end(), metric.begin() + static_cast<std::ptrdiff_t>(point * earlier.replications),
                  metric.begin() + static_cast<std::ptrdiff_t>((point + 1) * earlier.replications));
  for (const auto& series : earlier.series)
    values.insert(values.end(), series.begin() + static_cast<std::ptrdiff_t>(point * earlier.days),
                  series.begin() + static_cast<std::ptrdiff_t>((point + 1) * earlier.days));
  return values;
}

// What differs between the sweep that wrote `earlier` and this one, e.g.
// "replications 3 vs 4" (the file's value first); "" when nothing the file records does.
std::string describe_difference(const SweepData& earlier, const SweepData& now) {
  std::vector<std::string> differences;
  const auto number = [&](const char* what, std::uint64_t a, std::uint64_t b) {
    if (a != b) differences.push_back(fmt::format("{} {} vs {}", what, a, b));
  };
  number("replications", earlier.replications, now.replications);
  number("seed", earlier.seed, now.seed);
  number("market size", earlier.market_size, now.market_size);
  number("points", earlier.points, now.points);
  if (earlier.parameters != now.parameters)
    differences.push_back(fmt::format("parameters {} vs {}", fmt::join(earlier.parameters, ", "),
                                      fmt::join(now.parameters, ", ")));
  else if (earlier.points == now.points && earlier.parameter_values != now.parameter_values)
    differences.push_back("the parameter values");
  if (earlier.strategies != now.strategies)
    differences.push_back(fmt::format("strategies [{}] vs [{}]", fmt::join(earlier.strategies, ", "),
                                      fmt::join(now.strategies, ", ")));
  if (earlier.scenario_text != now.scenario_text) differences.push_back("the scenario's text");
  if (earlier.days != now.days) number("days", earlier.days, now.days);
  // The plan's text says again what the above compared; only when nothing else differs.
  if (differences.empty() && earlier.plan_text != now.plan_text) differences.push_back("the plan's text");
  return fmt::format("{}", fmt::join(differences, ", "));
}

// "sweep.h5 was made by a different plan or scenario (file vs this sweep: replications 3 vs 4): ..."
[[noreturn]] void different_job(const std::string& output, bool resume, const std::string& difference) {
  const std::string name = fs::path(output).filename().string();
  const std::string what =
      difference.empty() ? "" : " (file vs this sweep: " + difference + ")";
  const std::string unknown =
      difference.empty() ? "; what it records of the sweep is the same, so another option differs (--max-events, "
                           "--run-off) or its journal was written by another sweep"
                         : "";
  throw InputError(fmt::format("{} was made by a different plan or scenario{}{}: {}", name, what, unknown,
                               resume ? "it cannot be resumed; remove it, or add --restart instead of --resume to "
                                        "replace it"
                                      : "add --restart to replace it (or choose another --out)"));
}

// What differs from the sweep file at `output`, if there is one to read.
std::string difference_from_file(const std::string& output, const SweepData& now) {
  std::error_code ec;
  if (!fs::exists(output, ec)) return "";
  try {
    return describe_difference(read_sweep_hdf5(output), now);
  } catch (const InputError&) {
    return "";
  }
}

// The points an earlier run left in the output and the journal, put into
// `data`. `foreign`: either holds another job's points (nothing of them is
// taken). `journal_ours`: the journal is this job's and can be appended to.
// With `strict` (on --resume) another job's file or a damaged one is an error.
void take_earlier_points(const SweepJob& job, SweepData& data, std::uint64_t fingerprint,
                         const sweep_detail::JournalContents& contents, bool strict, bool& foreign,
                         bool& journal_ours) {
  const std::string& output = job.output_path;
  // A journal of this job means it started over whatever the output was.
  journal_ours = contents.found && contents.fingerprint == fingerprint;
  foreign = contents.found && !journal_ours;
  if (foreign) {
    if (strict) different_job(output, true, difference_from_file(output, data));
    return;
  }
  std::error_code ec;
  if (fs::exists(output, ec)) {
    std::optional<SweepData> earlier;
    try {
      earlier = read_sweep_hdf5(output);
    } catch (const InputError& error) {
      // Not a sweep file (or a damaged one): without --resume it is replaced, as any output.
      if (strict && !journal_ours) throw InputError(fmt::format("cannot resume: {}", error.what()));
    }
    if (earlier && earlier->fingerprint != data.fingerprint) {
      if (!journal_ours) {
        if (strict) different_job(output, true, describe_difference(*earlier, data));
        foreign = true;
        return;
      }
      earlier.reset();
    }
    if (earlier) {
      if (earlier->points != data.points || earlier->replications != data.replications ||
          earlier->days != data.days || earlier->metrics.size() != data.metrics.size() ||
          earlier->series.size() != data.series.size())
        throw InputError(fmt::format("cannot resume: '{}' does not have the shape of this sweep", output));
      for (std::size_t p = 0; p < data.points; ++p)
        if (earlier->done[p] != 0) store_point(data, p, values_from(*earlier, p));
    }
  }
  for (const sweep_detail::JournalRecord& record : contents.records) store_point(data, record.point, record.values);
}

// Opens the output for this job: fresh (replacing any earlier file and
// journal), or on --resume with the points the snapshot and the journal hold.
// Without either --resume or --restart, refuses to replace the finished points
// of this job or another job's file. Returns the journal to append to;
// `resumed` is the number of points done.
Journal open_output(const SweepJob& job, SweepData& data, std::uint64_t fingerprint, std::size_t& resumed) {
  const std::string& output = job.output_path;
  const std::string journal_path = output + ".journal";
  remove_stale_temporaries(output);
  std::optional<Journal> journal;
  if (!job.restart) {
    sweep_detail::JournalContents contents;
    try {
      contents = sweep_detail::read_journal(journal_path, values_per_point(data), data.points);
    } catch (const InputError&) {
      if (job.resume) throw;  // without --resume something else at `<output>.journal` is replaced, as before
    }
    bool foreign = false, journal_ours = false;
    take_earlier_points(job, data, fingerprint, contents, job.resume, foreign, journal_ours);
    if (!job.resume) {
      if (foreign) different_job(output, false, difference_from_file(output, data));
      const auto finished = static_cast<std::size_t>(std::count(data.done.begin(), data.done.end(), std::uint8_t{1}));
      const std::string name = fs::path(output).filename().string();
      constexpr const char* hint = "add --resume to keep them and run the rest, or --restart to run every point again";
      if (finished == data.points)
        throw InputError(fmt::format("{} is already complete (all {} points of this sweep are finished): {}", name,
                                     data.points, hint));
      if (finished > 0)
        throw InputError(fmt::format("{} already holds {} of {} finished points of this sweep: {}", name, finished,
                                     data.points, hint));
    } else if (journal_ours) {
      journal.emplace(Journal::append_to(journal_path, contents.good_bytes));
    }
  }
  if (!journal) journal.emplace(Journal::create(journal_path, fingerprint));
  resumed = static_cast<std::size_t>(std::count(data.done.begin(), data.done.end(), std::uint8_t{1}));
  data.created_utc = utc_now();
  sweep_detail::write_sweep_file(data, output);
  return std::move(*journal);
}

// The file as `data` is now, stamped with the time it is written.
void write_snapshot(SweepData& data, const std::string& path) {
  data.created_utc = utc_now();
  sweep_detail::write_sweep_file(data, path);
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Runs one point of a checked sweep and gives its numbers (point_values).
std::vector<double> run_point(const SweepJob& job, const SweepPoints& points, const PointBuilder& builder,
                              std::vector<Scenario>& kept, Engine& engine, const SweepData& data, std::size_t p,
                              double& simulation_seconds) {
  std::optional<Scenario> scenario;
  if (!kept.empty()) {
    scenario = std::move(kept[p]);
  } else {
    Diagnostics again;
    scenario = builder.build(p, again);
    if (!scenario) throw InternalError(fmt::format("{} checked fine but failed to build: {}",
                                                   describe_point(points, p), again.format()));
  }
  RunPlan plan;
  plan.market_size = job.market_size != 0 ? job.market_size : scenario->market_size;
  plan.scenario = std::move(*scenario);
  plan.label = fmt::format("point {}", p);
  plan.seed = job.seed;
  plan.first_replication = 0;
  plan.replications = job.replications;
  plan.max_events_per_customer = job.max_events_per_customer;
  plan.run_off = job.run_off;
  Results results;
  try {
    std::function<void(double)> progress;
    if (job.point_progress) progress = [&job, p](double fraction) { job.point_progress(p, fraction); };
    results = engine.run(plan, progress);
  } catch (const InputError& error) {
    throw InputError(fmt::format("{}: {}", describe_point(points, p), error.what()));
  }
  simulation_seconds += results.wall_seconds;
  return point_values(results, data);
}

void check_job(const SweepJob& job) {
  if (job.output_path.empty()) throw InputError("a sweep needs an output file (--out sweep.h5)");
  if (job.resume && job.restart) throw InputError("--resume and --restart cannot be used together");
  if (job.replications == 0 || job.replications > max_sweep_replications)
    throw InputError(fmt::format("replications must be 1 to {}", max_sweep_replications));
}

// A coordinator that stops before its points run tells the other processes,
// whatever the reason (a bad point, a refused resume, an exception).
class StopOthersUnlessBegun {
 public:
  explicit StopOthersUnlessBegun(PointExchange* exchange) : exchange_(exchange) {}
  ~StopOthersUnlessBegun() {
    if (exchange_ == nullptr || begun_) return;
    try {
      exchange_->begin({}, false, 0);
    } catch (...) {  // already failing: the first error is the one to report
    }
  }
  StopOthersUnlessBegun(const StopOthersUnlessBegun&) = delete;
  StopOthersUnlessBegun& operator=(const StopOthersUnlessBegun&) = delete;
  void begin(const std::vector<std::size_t>& todo, std::size_t values_per_point) {
    if (exchange_ == nullptr) return;
    begun_ = true;
    exchange_->begin(todo, true, values_per_point);
  }

 private:
  PointExchange* exchange_;
  bool begun_ = false;
};

}  // namespace

SweepOutcome run_sweep(const SweepJob& job, Engine& engine, Diagnostics& diagnostics,
                       const std::function<void(std::size_t done, std::size_t total)>& on_point,
                       PointExchange* exchange) {
  const auto started = Clock::now();
  StopOthersUnlessBegun others(exchange);
  check_job(job);
  const SweepPoints points = make_points(job.plan, job.seed);
  SweepOutcome outcome;
  outcome.points = points.count;
  if (points.count == 0) throw InputError("the sweep has no points");

  PointBuilder builder(job, points);
  std::vector<Scenario> kept;
  std::size_t days = 1;
  std::vector<std::string> channels;
  if (!check_points(job, points, builder, diagnostics, kept, days, channels)) {
    outcome.wall_seconds = seconds_since(started);
    return outcome;
  }
  check_output_path(job.output_path);

  SweepData data = empty_data(job, points, days, channels);
  data.threads = engine.threads();
  data.processes = exchange != nullptr ? static_cast<std::uint32_t>(exchange->processes()) : 1;
  const std::uint64_t job_fingerprint = fingerprint(job, data);
  data.fingerprint = fmt::format("{:016x}", job_fingerprint);
  Journal journal = open_output(job, data, job_fingerprint, outcome.resumed);
  std::vector<std::size_t> todo;
  for (std::size_t p = 0; p < points.count; ++p)
    if (data.done[p] == 0) todo.push_back(p);
  others.begin(todo, values_per_point(data));
  if (on_point) on_point(outcome.resumed, points.count);

  auto last_snapshot = Clock::now();
  double snapshot_interval = job.snapshot_seconds;
  bool unsaved = false;
  const auto record = [&](std::size_t p, const std::vector<double>& values) {
    journal.append(p, values);  // durable from here on
    store_point(data, p, values);
    ++outcome.ran;
    unsaved = true;
    if (seconds_since(last_snapshot) >= snapshot_interval) {
      const auto writing = Clock::now();
      write_snapshot(data, job.output_path);
      // A slow snapshot (a big sweep) is written less often: at most ~10% of the time
      // (unless asked for one after every point).
      if (job.snapshot_seconds > 0) snapshot_interval = std::max(job.snapshot_seconds, 10.0 * seconds_since(writing));
      last_snapshot = Clock::now();
      unsaved = false;
    }
    if (on_point) on_point(outcome.resumed + outcome.ran, points.count);
  };
  const auto run_here = [&](std::size_t p) {
    ++outcome.ran_here;
    return run_point(job, points, builder, kept, engine, data, p, outcome.simulation_seconds);
  };
  if (exchange == nullptr) {
    for (const std::size_t p : todo) record(p, run_here(p));
  } else {
    // Finished points of other processes are recorded between this one's,
    // in the order they arrive: the file does not depend on it.
    const auto record_theirs = [&](std::vector<FinishedPoint> finished) {
      for (FinishedPoint& point : finished) {
        if (point.point >= points.count || data.done[point.point] != 0 ||
            point.values.size() != values_per_point(data))
          throw InternalError(fmt::format("a process handed in point {} twice, out of range or malformed", point.point));
        record(point.point, point.values);
      }
    };
    while (const std::optional<std::size_t> p = exchange->claim()) {
      record(*p, run_here(*p));
      record_theirs(exchange->take_finished(false));
    }
    while (outcome.ran < todo.size()) {
      std::vector<FinishedPoint> finished = exchange->take_finished(true);
      if (finished.empty())
        throw InternalError(fmt::format("the other processes handed in {} of the {} points they were given",
                                        outcome.ran, todo.size()));
      record_theirs(std::move(finished));
    }
    outcome.processes = exchange->processes();
  }
  if (unsaved) write_snapshot(data, job.output_path);
  journal.remove();
  outcome.wall_seconds = seconds_since(started);
  return outcome;
}

void serve_sweep(const SweepJob& job, Engine& engine, PointExchange& exchange) {
  // The same checks as the coordinator's, in silence: it reports the problems.
  std::optional<SweepPoints> points;
  std::optional<PointBuilder> builder;
  std::vector<Scenario> kept;
  std::size_t days = 1;
  std::vector<std::string> channels;
  bool checked = false;
  try {
    check_job(job);
    points = make_points(job.plan, job.seed);
    if (points->count > 0) {
      builder.emplace(job, *points);
      Diagnostics ignored;
      checked = check_points(job, *points, *builder, ignored, kept, days, channels);
    }
  } catch (const std::exception&) {
    checked = false;
  }
  if (!exchange.await_begin()) return;
  if (!checked) throw InternalError("the coordinator runs a sweep this process could not build");
  const SweepData data = empty_data(job, *points, days, channels);
  double simulation_seconds = 0.0;
  std::optional<FinishedPoint> finished;
  while (const std::optional<std::size_t> p = exchange.next(finished ? &*finished : nullptr)) {
    if (*p >= points->count) throw InternalError(fmt::format("the coordinator handed out point {} of {}", *p, points->count));
    finished = FinishedPoint{*p, run_point(job, *points, *builder, kept, engine, data, *p, simulation_seconds)};
  }
}

}  // namespace journeysim
