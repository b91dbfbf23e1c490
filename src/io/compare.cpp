// A comparison as JSON (the DESIGN.md shape) and as terminal tables.
#include <cmath>

#include <fmt/format.h>

#include "io/detail.hpp"
#include "io/text_format.hpp"
#include "journeysim/comparison.hpp"
#include "journeysim/io.hpp"

namespace journeysim {

namespace {

using nlohmann::json;
using namespace io_detail;

json finite_or_null(const std::optional<double>& x) {
  return x && std::isfinite(*x) ? json(*x) : json(nullptr);
}

json interval_with_ci(const Interval& value) {
  return json{{"mean", finite_or_null(value.mean)}, {"ci95", {finite_or_null(value.low), finite_or_null(value.high)}}};
}

const char* pairing_name(Pairing pairing) { return pairing == Pairing::paired ? "paired" : "unpaired"; }

// A difference and its interval in the metric's unit — rates in percentage
// points — with enough decimals that a bound which is not 0 never prints as
// 0 (a starred interval must not seem to touch 0).
struct DeltaText {
  std::string delta, interval;
};

DeltaText delta_text(const Interval& delta, const std::string& unit) {
  const bool rate = unit == "%";
  const double scale = rate ? 100.0 : 1.0;
  const std::string suffix = rate ? " pp" : unit == "days" ? " d" : "";
  int decimals = unit == "score" || unit == "count" ? 1 : unit.empty() ? 3 : 2;
  const auto shows_as_zero = [&](const std::optional<double>& x) {
    return x && *x != 0.0 && std::fabs(*x * scale) < 0.5 * std::pow(10.0, -decimals);
  };
  while (decimals < 6 && (shows_as_zero(delta.low) || shows_as_zero(delta.high))) ++decimals;
  const auto text = [&](double x) {
    if (!std::isfinite(x)) return std::string("n/a");
    std::string number = grouped(x * scale, decimals);
    const bool plus = x > 0.0 && number.find_first_not_of("0.,") != std::string::npos;
    return fmt::format("{}{}{}", plus ? "+" : "", number, suffix);
  };
  DeltaText out{text(delta.mean), ""};
  if (delta.low && delta.high) out.interval = fmt::format("[{}, {}]", text(*delta.low), text(*delta.high));
  return out;
}

}  // namespace

json comparison_to_json(const Comparison& comparison) {
  const auto differences = [](const std::vector<MetricComparison>& rows) {
    json delta = json::object(), relative = json::object(), significant = json::object();
    for (const MetricComparison& row : rows) {
      delta[row.key] = interval_with_ci(row.difference.delta);
      relative[row.key] = interval_with_ci(row.difference.relative);
      significant[row.key] = row.significant();
    }
    return json{{"delta", std::move(delta)}, {"relative", std::move(relative)}, {"significant", std::move(significant)}};
  };
  json strategies = json::object();
  for (std::size_t a = 0; a < comparison.arms.size(); ++a) {
    json arm = differences(comparison.metrics(a));
    arm["result"] = results_to_json(comparison.arms[a]);
    strategies[comparison.arms[a].label] = std::move(arm);
  }
  json pairs = json::object();  // arm − versus, for every pair of arms
  for (const ArmPair& pair : comparison.pairs()) {
    json entry = differences(comparison.pair_metrics(pair));
    entry["arm"] = comparison.arms[pair.arm].label;
    entry["versus"] = comparison.arms[pair.versus].label;
    pairs[comparison.pair_label(pair)] = std::move(entry);
  }
  json arms = json::array();  // the order they were given in ("strategies" is keyed by name)
  for (const Results& arm : comparison.arms) arms.push_back(arm.label);
  return json{{"baseline", results_to_json(comparison.baseline)},
              {"arms", std::move(arms)},
              {"pairing", pairing_name(comparison.pairing)},
              {"replications", comparison.baseline.runs.size()},
              {"strategies", std::move(strategies)},
              {"pairs", std::move(pairs)},
              // Provenance, as in every run's JSON (the arms share the baseline's).
              {"command_line", comparison.baseline.command_line},
              {"created_utc", comparison.baseline.created_utc},
              {"git_commit", comparison.baseline.git_commit}};
}

namespace {

// One comparison's table: metric | reference | arm | Δ | 95% CI | Δ% | *.
std::string difference_table(const std::string& reference, const std::string& arm,
                             const std::vector<MetricComparison>& rows) {
  Table table({"Metric", reference, arm, "Δ", "95% CI", "Δ%", ""});
  for (const char* theme : metric_themes()) {
    bool first = true;
    for (const MetricComparison& row : rows) {
      if (std::string(theme_of(row.key)) != theme) continue;
      if (first) table.row({std::string(theme)});
      first = false;
      const DeltaText delta = delta_text(row.difference.delta, row.unit);
      const double relative = row.difference.relative.mean;
      table.row({"  " + row.label, format_value(row.baseline.mean, row.unit), format_value(row.arm.mean, row.unit),
                 delta.delta, delta.interval, std::isfinite(relative) ? format_signed(relative, "%") : "–",
                 row.significant() ? "*" : ""});
    }
  }
  return table.render();
}

bool identical_runs(const Results& a, const Results& b) {
  if (a.runs.size() != b.runs.size()) return false;
  for (const MetricDefinition& metric : headline_metrics()) {
    const std::vector<double> x = metric_values(a, metric), y = metric_values(b, metric);
    for (std::size_t k = 0; k < x.size(); ++k)
      if (!(x[k] == y[k] || (std::isnan(x[k]) && std::isnan(y[k])))) return false;
  }
  return true;
}

}  // namespace

std::string comparison_to_table(const Comparison& comparison, bool pairs) {
  const Results& baseline = comparison.baseline;
  const std::size_t runs = baseline.runs.size();
  std::string out = fmt::format("journeysim {} — compare\n", JOURNEYSIM_VERSION);
  const std::string market = grouped(static_cast<double>(baseline.market_size), 0);
  if (!comparison.two_files) {
    out += fmt::format("{} · market {} · seed {} · {} paired replications (common random numbers)\n",
                       baseline.scenario_name, market, baseline.seed, runs);
  } else if (comparison.pairing == Pairing::paired) {
    out += fmt::format("{} replications each, both files with seed {} (as `journeysim run FILE -r {}`): replication "
                       "k of both\nuses the same random streams, so the differences are paired (t-interval of the "
                       "{} differences)\n",
                       runs, baseline.seed, runs, runs);
  } else {
    out += fmt::format("{} replications each, every file with its own seed (as `journeysim run FILE -r {}`); "
                       "independent samples: Welch intervals\n",
                       runs, runs);
  }
  out += "Δ = arm − baseline with its 95% CI (rates in percentage points, pp); Δ% = relative to the baseline;\n"
         "* where the CI excludes 0 (the difference is not noise)\n";
  double wall = baseline.wall_seconds;
  std::uint64_t events = baseline.total_events();
  for (std::size_t a = 0; a < comparison.arms.size(); ++a) {
    const Results& arm = comparison.arms[a];
    wall += arm.wall_seconds;
    events += arm.total_events();
    out += fmt::format("\n{} vs {}\n", arm.label, baseline.label);
    if (!arm.edits.empty() && !comparison.two_files) {
      std::string edits;
      for (std::size_t e = baseline.edits.size(); e < arm.edits.size(); ++e)
        edits += (edits.empty() ? "" : "; ") + arm.edits[e];
      if (!edits.empty()) out += "  edits: " + edits + "\n";
    }
    if (comparison.two_files && identical_runs(baseline, arm))
      out += "  the two files gave identical results in every replication (the same scenario and seed): every "
             "difference is exactly 0\n";
    out += difference_table(baseline.label, arm.label, comparison.metrics(a));
  }
  const std::vector<ArmPair> arm_pairs = comparison.pairs();
  if (pairs && !arm_pairs.empty()) {
    out += fmt::format("\nBetween arms: A vs B is A − B with its 95% CI, Δ% relative to B ({}; --no-pairs hides "
                       "these)\n",
                       comparison.pairing == Pairing::paired ? "paired: the same replications"
                                                             : "Welch");
    for (const ArmPair& pair : arm_pairs) {
      out += fmt::format("\n{}\n", comparison.pair_label(pair));
      out += difference_table(comparison.arms[pair.versus].label, comparison.arms[pair.arm].label,
                              comparison.pair_metrics(pair));
    }
  }
  out += fmt::format("\n{} events · wall {:.3f} s · {}\n", grouped(static_cast<double>(events), 0), wall,
                     io_detail::threads_text(baseline));
  return out;
}

}  // namespace journeysim
