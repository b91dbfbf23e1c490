// Entry points, and the sections around the journey: the top level, market
// and segments, awareness, word of mouth, reviews and advocacy.
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include "journeysim/graph.hpp"
#include "journeysim/load.hpp"
#include "scenario/input_file.hpp"
#include "scenario/keys.hpp"
#include "scenario/loader.hpp"
#include "scenario/yaml_tree.hpp"

namespace journeysim {
namespace scenario_detail {
namespace {

const std::vector<std::string>& kTopKeys = keys::top;
const std::vector<std::string>& kMarketKeys = keys::market;
const std::vector<std::string>& kSegmentKeys = keys::segment;
const std::vector<std::string>& kAwarenessKeys = keys::awareness;
const std::vector<std::string>& kInitialKeys = keys::initial;
const std::vector<std::string>& kChannelKeys = keys::channel;
const std::vector<std::string>& kWordOfMouthKeys = keys::word_of_mouth;
const std::vector<std::string>& kReviewsKeys = keys::reviews;
const std::vector<std::string>& kPriorKeys = keys::prior;
const std::vector<std::string>& kAdvocacyKeys = keys::advocacy;

int count_errors(const Diagnostics& diagnostics) {
  int count = 0;
  for (const auto& item : diagnostics.all())
    if (item.severity == Severity::error) ++count;
  return count;
}

void read_transition_scale(const Entry& section, const std::string& what, YamlReader& reader,
                           const Scenario& scenario, Segment& segment) {
  const MapView scales = reader.map(section.value, what);
  for (const auto& entry : scales.entries) {
    const std::string label = what + "." + entry.key;
    TransitionScale scale;
    scale.location = reader.where_key(entry);
    if (!split_arrow(entry.key, scale.from, scale.to)) {
      reader.error(scale.location, "'" + entry.key + "' in " + what +
                                       " must name a transition as from->to, e.g. website->checkout");
      continue;
    }
    const bool from_ok = check_touchpoint_name(scenario, scale.from, label, scale.location, reader);
    const bool to_ok = check_touchpoint_name(scenario, scale.to, label, scale.location, reader);
    const auto factor = reader.number(entry.value, label, Range::non_negative);
    if (!from_ok || !to_ok || !factor) continue;
    scale.factor = *factor;
    segment.transition_scale.push_back(scale);
  }
}

void read_segments(const Entry& section, YamlReader& reader, Scenario& scenario) {
  const auto items = reader.list(section.value, "market.segments");
  if (!items) return;
  std::map<std::string, int> first_line;
  bool shares_complete = true;
  double share_sum = 0.0;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const YAML::Node& item = (*items)[i];
    std::string what = "market.segments." + std::to_string(i);
    const MapView fields = reader.map(item, what, kSegmentKeys);
    if (!fields.is_map) {
      shares_complete = false;
      continue;
    }
    Segment segment;
    segment.location = reader.where(item);
    if (const Entry* name = fields.find("name")) {
      if (auto text = reader.text(name->value, what + ".name")) {
        segment.name = *text;
        what = "market.segments." + segment.name;
        const SourceLocation at = reader.where(name->value);
        if (auto first = first_line.find(segment.name); first != first_line.end())
          reader.error(at, "duplicate segment name '" + segment.name + "' (first used at line " +
                               std::to_string(first->second) + "); give each segment its own name");
        else
          first_line.emplace(segment.name, at.line);
      }
    } else {
      reader.require(fields, "name", "segment " + what, segment.location, "add e.g. `name: researchers`");
    }
    if (fields.has("share")) {
      if (auto share = reader.number(fields, "share", what + ".share", Range::probability)) {
        segment.share = *share;
        share_sum += *share;
      } else {
        shares_complete = false;
      }
    } else {
      reader.require(fields, "share", "segment " + what, segment.location,
                     "add `share:` (its fraction of the market; all shares sum to 1)");
      shares_complete = false;
    }
    if (auto value = reader.number(fields, "awareness_multiplier", what + ".awareness_multiplier",
                                   Range::non_negative))
      segment.awareness_multiplier = *value;
    if (auto value = reader.number(fields, "review_sensitivity", what + ".review_sensitivity", Range::non_negative))
      segment.review_sensitivity = *value;
    if (auto value = reader.number(fields, "experience_shift", what + ".experience_shift", Range::finite))
      segment.experience_shift = *value;
    if (const Entry* scales = fields.find("transition_scale"))
      read_transition_scale(*scales, what + ".transition_scale", reader, scenario, segment);
    scenario.segments.push_back(std::move(segment));
  }
  if (shares_complete && !scenario.segments.empty() && std::fabs(share_sum - 1.0) > kSumTolerance)
    reader.error(reader.where_key(section), "market.segments shares sum to " + format_sum(share_sum) +
                                                "; they must sum to 1, so adjust the segments' share values");
}

void read_market(const Entry& section, YamlReader& reader, Scenario& scenario) {
  const MapView market = reader.map(section.value, "market", kMarketKeys);
  if (!market.is_map) return;
  if (reader.require(market, "size", "market", reader.where_key(section),
                     "add `size:` with the number of potential customers, e.g. size: 1000000"))
    if (auto size = reader.whole_number(market.find("size")->value, "market.size", 1)) {
      scenario.market_size = *size;
      // The engine numbers customers in 32 bits.
      if (*size > limits::max_market_size)
        reader.error(reader.where(market.find("size")->value),
                     "market.size is " + std::to_string(*size) + "; one run simulates at most " +
                         std::to_string(limits::max_market_size) + " customers, so lower it");
    }
  if (const Entry* segments = market.find("segments")) {
    read_segments(*segments, reader, scenario);
    if (scenario.segments.size() > limits::max_segments)
      reader.error(reader.where_key(*segments), "market.segments has " + std::to_string(scenario.segments.size()) +
                                                     " segments; at most " + std::to_string(limits::max_segments) +
                                                     " are supported, so merge some");
  }
}

void read_initial(const Entry& section, YamlReader& reader, Scenario& scenario, Places& places) {
  places.initial = reader.where_key(section);
  const MapView initial = reader.map(section.value, "awareness.initial", kInitialKeys);
  if (auto share = reader.number(initial, "share", "awareness.initial.share", Range::probability))
    scenario.awareness.initial_share = *share;
  const Entry* via_entry = initial.find("via");
  if (via_entry == nullptr) return;
  const MapView via = reader.map(via_entry->value, "awareness.initial.via");
  bool complete = true;
  double sum = 0.0;
  for (const auto& entry : via.entries) {
    const std::string what = "awareness.initial.via." + entry.key;
    EntryShare share;
    share.via = entry.key;
    share.location = reader.where_key(entry);
    const bool known = check_touchpoint_name(scenario, entry.key, "awareness.initial.via", share.location, reader);
    const auto value = reader.number(entry.value, what, Range::probability);
    if (!value) complete = false;
    if (!known || !value) continue;
    share.share = *value;
    sum += *value;
    scenario.awareness.initial_via.push_back(share);
  }
  if (complete && sum > 1.0 + kSumTolerance)
    reader.error(reader.where_key(*via_entry),
                 "awareness.initial.via shares sum to " + format_sum(sum) +
                     "; they must sum to at most 1 (the remainder drops off at once), so lower them");
  // A remainder is allowed (awareness that never turns into a visit) but is
  // easy to leave by mistake. Nothing at all is the warning of validate.cpp.
  // Sums of decimals print as written (0.6 + 0.3 is 0.9, not 0.8999999999999999).
  const auto rounded = [](double x) { return format_sum(x); };
  if (complete && sum > 0.0 && sum < 1.0 - kSumTolerance && scenario.awareness.initial_share > 0.0)
    reader.warning(reader.where_key(*via_entry),
                   "the via shares sum to " + rounded(sum) + ": a share " + rounded(1.0 - sum) +
                       " of the initially aware enter no touchpoint and are counted as aware but drop off at "
                       "once; make them sum to 1, or lower awareness.initial.share if those customers should "
                       "not count as aware");
}

void read_channels(const Entry& section, YamlReader& reader, Scenario& scenario) {
  const auto items = reader.list(section.value, "awareness.channels");
  if (!items) return;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const YAML::Node& item = (*items)[i];
    const std::string what = "awareness.channels." + std::to_string(i);
    const MapView fields = reader.map(item, what, kChannelKeys);
    if (!fields.is_map) continue;
    AwarenessChannel channel;
    channel.location = reader.where(item);
    const bool has_via = reader.require(fields, "via", what, channel.location,
                                        "add `via:` naming the touchpoint where its customers enter");
    const bool has_rate = reader.require(fields, "rate", what, channel.location,
                                         "add `rate:` (awareness hazard per unaware customer per day)");
    if (!has_via || !has_rate) continue;
    const auto via = reader.text(fields, "via", what + ".via");
    const bool known = via && check_touchpoint_name(scenario, *via, what + ".via",
                                                    reader.where(fields.find("via")->value), reader);
    const auto rate = reader.number(fields, "rate", what + ".rate", Range::non_negative);
    if (!known || !rate) continue;
    channel.via = *via;
    channel.rate = *rate;
    scenario.awareness.channels.push_back(channel);
  }
}

void read_awareness(const Entry& section, YamlReader& reader, Scenario& scenario, Places& places) {
  places.awareness = reader.where_key(section);
  const MapView awareness = reader.map(section.value, "awareness", kAwarenessKeys);
  if (const Entry* initial = awareness.find("initial")) read_initial(*initial, reader, scenario, places);
  if (const Entry* channels = awareness.find("channels")) read_channels(*channels, reader, scenario);
}

void read_word_of_mouth(const Entry& section, YamlReader& reader, Scenario& scenario) {
  WordOfMouth& wom = scenario.word_of_mouth;
  wom.location = reader.where_key(section);
  const MapView fields = reader.map(section.value, "word_of_mouth", kWordOfMouthKeys);
  if (!fields.is_map) return;
  bool ok = reader.require(fields, "via", "word_of_mouth", wom.location,
                           "add `via:` naming the touchpoint where referred customers enter");
  ok = reader.require(fields, "rate", "word_of_mouth", wom.location,
                      "add `rate:` (Bass q, e.g. rate: 0.25), or remove word_of_mouth") && ok;
  if (!ok) return;
  const auto via = reader.text(fields, "via", "word_of_mouth.via");
  const bool known = via && check_touchpoint_name(scenario, *via, "word_of_mouth.via",
                                                  reader.where(fields.find("via")->value), reader);
  const auto rate = reader.number(fields, "rate", "word_of_mouth.rate", Range::non_negative);
  if (fields.has("advocate_days")) {
    const auto days = reader.number(fields, "advocate_days", "word_of_mouth.advocate_days", Range::positive);
    if (!days) return;
    wom.advocate_days = *days;
  }
  if (!known || !rate) return;
  wom.enabled = true;
  wom.via = *via;
  wom.rate = *rate;
}

void read_reviews(const Entry& section, YamlReader& reader, Scenario& scenario, Places& places) {
  places.reviews = reader.where_key(section);
  Reviews& reviews = scenario.reviews;
  reviews.enabled = true;
  const MapView fields = reader.map(section.value, "reviews", kReviewsKeys);
  if (auto p = reader.number(fields, "post_probability", "reviews.post_probability", Range::probability))
    reviews.post_probability = *p;
  if (const Entry* prior_entry = fields.find("prior")) {
    const MapView prior = reader.map(prior_entry->value, "reviews.prior", kPriorKeys);
    if (const Entry* rating = prior.find("rating")) {
      places.prior_rating = reader.where(rating->value);
      if (auto value = reader.number(rating->value, "reviews.prior.rating", Range::probability))
        reviews.prior_rating = *value;
    }
    if (auto weight = reader.number(prior, "weight", "reviews.prior.weight", Range::non_negative))
      reviews.prior_weight = *weight;
  }
}

void read_advocacy(const Entry& section, YamlReader& reader, Scenario& scenario) {
  Advocacy& advocacy = scenario.advocacy;
  const MapView fields = reader.map(section.value, "advocacy", kAdvocacyKeys);
  const auto promoter = reader.number(fields, "promoter_at", "advocacy.promoter_at", Range::probability);
  const auto detractor = reader.number(fields, "detractor_below", "advocacy.detractor_below", Range::probability);
  if (promoter) advocacy.promoter_at = *promoter;
  if (detractor) advocacy.detractor_below = *detractor;
  if (auto p = reader.number(fields, "advocate_probability", "advocacy.advocate_probability", Range::probability))
    advocacy.advocate_probability = *p;
  if ((promoter || detractor) && advocacy.detractor_below > advocacy.promoter_at) {
    const Entry* at = fields.find(detractor ? "detractor_below" : "promoter_at");
    reader.error(reader.where(at->value), "advocacy.detractor_below (" + format_number(advocacy.detractor_below) +
                                              ") is above advocacy.promoter_at (" +
                                              format_number(advocacy.promoter_at) +
                                              "); a customer cannot be both, so make detractor_below <= promoter_at");
  }
}

}  // namespace

bool split_arrow(const std::string& key, std::string& from, std::string& to) {
  const auto arrow = key.find("->");
  if (arrow == std::string::npos) return false;
  const auto trim = [](std::string text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) return std::string();
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
  };
  from = trim(key.substr(0, arrow));
  to = trim(key.substr(arrow + 2));
  return !from.empty() && !to.empty() && to.find("->") == std::string::npos;
}

bool check_touchpoint_name(const Scenario& scenario, const std::string& name, const std::string& what,
                           const SourceLocation& where, YamlReader& reader) {
  if (reader.is_touchpoint(scenario, name)) return true;  // removed ones too: their customers drop off
  std::vector<std::string> names;
  for (const auto& touchpoint : scenario.touchpoints) names.push_back(touchpoint.name);
  // Hints from a few thousand names at most: each is an edit distance.
  const std::string match = names.size() <= 5000 ? closest_match(name, names) : std::string();
  std::string message = what + " names '" + name + "', which is not a touchpoint; ";
  if (!match.empty())
    message += "did you mean '" + match + "'?";
  else if (names.empty() || names.size() > 20)
    message += "define it under `touchpoints`";
  else
    message += "define it under `touchpoints` or use one of " + join(names, " or ");
  reader.error(where, message);
  return false;
}

void read_scenario(const YAML::Node& root, YamlReader& reader, Scenario& scenario, Places& places) {
  places.root = reader.where(root);
  if (places.root.line == 0) places.root = {reader.file(), 1, 1};
  places.awareness = places.root;
  if (root.IsNull()) {
    reader.error(places.root, "the scenario is empty; it needs at least horizon_days, market and touchpoints");
    return;
  }
  const MapView top = reader.map(root, "the scenario", kTopKeys);
  if (!top.is_map) return;
  const std::string missing_hint = "add it at the top level, e.g. ";
  if (auto name = reader.text(top, "name", "name")) scenario.name = *name;
  if (const Entry* seed = top.find("seed"))
    if (auto value = reader.whole_number(seed->value, "seed", 0)) scenario.seed = *value;
  if (reader.require(top, "horizon_days", "the scenario", places.root,
                     missing_hint + "`horizon_days: 180` (the number of days to simulate)"))
    if (auto value = reader.number(top, "horizon_days", "horizon_days", Range::positive))
      scenario.horizon_days = *value;
  if (auto value = reader.number(top, "step_days", "step_days", Range::positive)) scenario.step_days = *value;
  // Days and steps are counted in 32 bits, and daily series are kept in memory.
  if (scenario.horizon_days > limits::max_horizon_days)
    reader.error(reader.where(top.find("horizon_days")->value),
                 "horizon_days is " + format_number(scenario.horizon_days) + "; at most " +
                     format_number(limits::max_horizon_days) + " days are supported");
  else if (scenario.horizon_days / scenario.step_days > limits::max_steps)
    reader.error(reader.where(top.find(top.find("step_days") ? "step_days" : "horizon_days")->value),
                 "horizon_days / step_days makes more than " + format_number(limits::max_steps) +
                     " synchronisation steps; raise step_days");

  // Touchpoints first: every other section refers to them by name.
  if (reader.require(top, "touchpoints", "the scenario", places.root,
                     missing_hint + "`touchpoints: {website: {stage: consideration}}`"))
    read_touchpoints(top.find("touchpoints")->value, reader, scenario);
  if (reader.require(top, "market", "the scenario", places.root,
                     missing_hint + "`market: {size: 1000000}` (the number of potential customers)"))
    read_market(*top.find("market"), reader, scenario);
  if (const Entry* transitions = top.find("transitions")) read_transitions(transitions->value, reader, scenario);

  const int errors_before_entries = reader.error_count();
  if (const Entry* awareness = top.find("awareness")) read_awareness(*awareness, reader, scenario, places);
  if (const Entry* wom = top.find("word_of_mouth")) read_word_of_mouth(*wom, reader, scenario);
  places.entry_errors = reader.error_count() > errors_before_entries;

  if (const Entry* reviews = top.find("reviews")) read_reviews(*reviews, reader, scenario, places);
  if (const Entry* advocacy = top.find("advocacy")) read_advocacy(*advocacy, reader, scenario);
  if (const Entry* strategies = top.find("strategies")) read_strategies(strategies->value, reader, scenario);
}

namespace {

// Where lists and maps first nest deeper than kMaxNesting, found by parsing
// again event by event (only after yaml-cpp gave up on the depth, whose own
// exception has no useful place).
struct TooDeep {
  YAML::Mark mark;
};

class DepthFinder : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    open(mark);
  }
  void OnSequenceEnd() override { --depth_; }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    open(mark);
  }
  void OnMapEnd() override { --depth_; }

 private:
  void open(const YAML::Mark& mark) {
    if (++depth_ > kMaxNesting) throw TooDeep{mark};
  }
  int depth_ = 0;
};

std::string nesting_message() {
  return "nesting deeper than " + std::to_string(kMaxNesting) +
         " levels of lists and maps starts here; a scenario needs only a few levels, so check the brackets and "
         "the indentation (was this file generated by mistake?)";
}

SourceLocation at_mark(const YAML::Mark& mark, const std::string& file) {
  return mark.is_null() ? SourceLocation{file, 0, 0} : SourceLocation{file, mark.line + 1, mark.column + 1};
}

void report_deep_nesting(const std::string& text, const std::string& file, const YAML::Mark& fallback,
                         Diagnostics& diagnostics) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DepthFinder finder;
  try {
    while (parser.HandleNextDocument(finder)) {
    }
  } catch (const TooDeep& deep) {
    diagnostics.error(at_mark(deep.mark, file), nesting_message());
    return;
  } catch (const std::exception&) {
  }
  diagnostics.error(at_mark(fallback, file), nesting_message());
}

}  // namespace

bool check_tree(const YAML::Node& root, std::size_t text_size, const std::string& file, Diagnostics& diagnostics) {
  const TreeSize size = tree_size(root, text_size + kAliasAllowance, kMaxNesting);
  if (size.too_deep) {
    diagnostics.error(at_mark(size.too_deep->Mark(), file),
                      nesting_message() + (size.shared ? " (counting the levels that YAML aliases (*name) add)" : ""));
    return false;
  }
  if (size.cycle) {
    diagnostics.error(at_mark(size.too_big->Mark(), file),
                      "this value contains a YAML alias (*name) to itself, so written out it never ends; "
                      "remove the alias from inside its own anchor (&name)");
    return false;
  }
  if (size.too_big) {
    diagnostics.error(at_mark(size.too_big->Mark(), file),
                      "the YAML aliases (*name) in this value repeat it so often that written out it would have "
                      "more than " + std::to_string((text_size + kAliasAllowance) / 1'000'000) +
                          " million values (an alias bomb?); an alias may repeat a value a few times, not multiply "
                          "it, so write the values out or use fewer aliases");
    return false;
  }
  return true;
}

std::optional<YAML::Node> parse_yaml(const std::string& text, const std::string& file, Diagnostics& diagnostics) {
  std::optional<YAML::Node> root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    report_deep_nesting(text, file, e.mark, diagnostics);
    return {};
  } catch (const YAML::Exception& e) {
    diagnostics.error(at_mark(e.mark, file), "this is not valid YAML (" + e.msg +
                                                 "); check the indentation, brackets and quotes here and on the "
                                                 "line before");
    return {};
  } catch (const std::exception& e) {
    diagnostics.error({file, 0, 0}, std::string("this is not valid YAML (") + e.what() + ")");
    return {};
  }
  if (!check_tree(*root, text.size(), file, diagnostics)) return {};
  return root;
}

std::optional<Scenario> load_tree(const YAML::Node& root, const std::string& file, const std::string& text,
                                  Diagnostics& diagnostics, const SyntheticMarks* synthetic,
                                  bool check_strategies) {
  YamlReader reader(file, diagnostics, synthetic);
  Scenario scenario;
  scenario.source_path = file;
  scenario.source_text = text;
  scenario.name = std::filesystem::path(file).stem().string();
  Places places;
  try {
    read_scenario(root, reader, scenario, places);
    check_scenario(scenario, places, reader);
    if (reader.error_count() == 0) {
      const int before = count_errors(diagnostics);
      validate_graph(scenario, diagnostics);
      if (count_errors(diagnostics) > before) return {};
    }
    if (check_strategies)
      try_strategies(root, file, scenario.strategies, reader, diagnostics, reader.error_count() > 0);
  } catch (const std::exception& e) {
    // The reader never throws on bad input; this is a bug, but still no crash.
    reader.error({file, 0, 0}, std::string("internal error while reading the scenario: ") + e.what());
  }
  if (reader.error_count() > 0) return {};
  return scenario;
}

std::optional<std::string> read_text_file(const std::string& path, const std::string& what,
                                          Diagnostics& diagnostics) {
  return read_bounded_file(path, what, limits::max_file_bytes, diagnostics);
}

// The position of the first byte that is not valid UTF-8, if any. YAML is
// UTF-8; names with stray bytes would break JSON output and HDF5 readers.
std::optional<SourceLocation> first_invalid_utf8(const std::string& text, const std::string& file) {
  int line = 1, column = 1;
  for (size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 0;
    bool valid = length > 0 && i + length <= text.size();
    for (size_t k = 1; valid && k < length; ++k) valid = (static_cast<unsigned char>(text[i + k]) >> 6) == 0x2;
    if (!valid) return SourceLocation{file, line, column};
    if (byte == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += length;
  }
  return std::nullopt;
}

bool check_text(const std::string& text, const std::string& file, const std::string& what,
                Diagnostics& diagnostics) {
  const auto starts = [&](const char* prefix, std::size_t n) { return text.compare(0, n, prefix, n) == 0; };
  if (starts("\xFF\xFE", 2) || starts("\xFE\xFF", 2)) {
    diagnostics.error({file, 1, 1}, what + " is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as "
                                           "UTF-8 (in most editors: Save As, encoding UTF-8)");
    return false;
  }
  if (auto where = first_invalid_utf8(text, file)) {
    diagnostics.error(*where, "this byte is not valid UTF-8; save " + what + " as UTF-8 text");
    return false;
  }
  // YAML text may not hold control characters other than tab and line
  // breaks; in quotes they are written as escapes (\e, \x00).
  int line = 1, column = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') || byte == 0x7F) {
      char code[8];
      std::snprintf(code, sizeof code, "%02x", byte);
      if (byte == 0)
        diagnostics.error({file, line, column}, "a NUL byte (0x00) is not allowed in YAML text; is " + what +
                                                    " UTF-16 or a binary file? Save it as UTF-8 text");
      else
        diagnostics.error({file, line, column},
                          std::string("a control character (0x") + code + (byte == 0x1B ? ", ESC" : "") +
                              ") is not allowed in YAML text; remove it, or write it as an escape inside double "
                              "quotes (\\x" + code + ")");
      return false;
    }
    if (byte == '\n') {
      ++line;
      column = 1;
    } else if ((byte & 0xC0) != 0x80) {
      ++column;
    }
  }
  return true;
}

}  // namespace scenario_detail

std::optional<Scenario> load_scenario_text(const std::string& text, const std::string& file_name,
                                           Diagnostics& diagnostics) {
  if (!scenario_detail::check_text(text, file_name, "the scenario", diagnostics)) return {};
  auto root = scenario_detail::parse_yaml(text, file_name, diagnostics);
  if (!root) return {};
  return scenario_detail::load_tree(*root, file_name, text, diagnostics, nullptr, true);
}

std::optional<Scenario> load_scenario_file(const std::string& path, Diagnostics& diagnostics) {
  auto text = scenario_detail::read_text_file(path, "the scenario", diagnostics);
  if (!text) return {};
  return load_scenario_text(*text, path, diagnostics);
}

Scenario load_scenario_or_throw(const std::string& path) {
  Diagnostics diagnostics;
  auto scenario = load_scenario_file(path, diagnostics);
  if (!scenario) throw ScenarioError(std::move(diagnostics));
  return *std::move(scenario);
}

}  // namespace journeysim
