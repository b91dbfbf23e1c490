// Strategies: edits to the YAML tree, named by dotted paths as written in the
// file. Applying one edits a fresh parse of the scenario text and loads the
// result again, so every check of a plain load applies to it too.
#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>

#include "journeysim/errors.hpp"
#include "journeysim/load.hpp"
#include "scenario/loader.hpp"
#include "scenario/yaml_tree.hpp"

namespace journeysim {
namespace scenario_detail {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

bool is_index(const std::string& part) {
  return !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The value of `key` in a map, without inserting it when absent.
std::optional<YAML::Node> map_child(const YAML::Node& map, const std::string& key) {
  if (!map.IsMap()) return {};
  for (auto it = map.begin(); it != map.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
  return {};
}

// What a list item is called in a path: its index, or its `name` or `via`.
bool item_called(const YAML::Node& item, std::size_t index, const std::string& part) {
  if (is_index(part)) return std::to_string(index) == part;
  for (const char* key : {"name", "via"})
    if (auto value = map_child(item, key); value && value->IsScalar() && value->Scalar() == part) return true;
  return false;
}

// A child of a map (by key) or of a list (by index, name or via).
std::optional<YAML::Node> child(const YAML::Node& node, const std::string& part, std::size_t* index = nullptr) {
  if (node.IsMap()) return map_child(node, part);
  if (!node.IsSequence()) return {};
  for (std::size_t i = 0; i < node.size(); ++i) {
    if (item_called(node[i], i, part)) {
      if (index != nullptr) *index = i;
      return node[i];
    }
  }
  return {};
}

std::vector<std::string> child_names(const YAML::Node& node) {
  std::vector<std::string> names;
  if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it)
      if (it->first.IsScalar()) names.push_back(it->first.Scalar());
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      names.push_back(std::to_string(i));
      for (const char* key : {"name", "via"})
        if (auto value = map_child(node[i], key); value && value->IsScalar()) names.push_back(value->Scalar());
    }
  }
  return names;
}

// Where an edit's path leads: the node holding the last part, and the node
// itself when it exists.
struct Target {
  YAML::Node parent;
  std::string key;
  std::size_t index = 0;  // when parent is a list
  std::optional<YAML::Node> node;
  std::vector<YAML::Node> above;  // the nodes the path went through below the root, parent included
};

// Whether the last part of a path may name something that does not exist yet.
enum class Create {
  never,
  map_key,          // set: a key of a map (the loader refuses keys it does not know)
  map_key_or_item,  // add: also a new item of a list, called by the last part
};

std::optional<Target> resolve(YAML::Node root, const std::vector<std::string>& parts, Create create,
                              std::string& problem) {
  const bool may_create = create != Create::never;
  YAML::Node current = root;
  std::vector<YAML::Node> above;
  std::string prefix;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    const bool last = i + 1 == parts.size();
    const std::string here = prefix.empty() ? "the scenario" : prefix;
    if (!current.IsMap() && !current.IsSequence() && !(last && may_create && current.IsNull())) {
      problem = here + " is " + describe(current) + ", which has no '" + part + "'";
      return {};
    }
    std::size_t index = 0;
    std::optional<YAML::Node> next = child(current, part, &index);
    if (last && (next || (may_create && (!current.IsSequence() || create == Create::map_key_or_item))))
      return Target{current, part, current.IsSequence() ? (next ? index : current.size()) : index, next,
                    std::move(above)};
    if (!next) {
      problem = "there is no '" + part + "' in " + here;
      if (current.IsSequence() && is_index(part)) {
        problem += current.size() == 0 ? "; it is empty"
                                       : "; it has items 0 to " + std::to_string(current.size() - 1);
        return {};
      }
      const auto names = child_names(current);
      const std::string match = closest_match(part, names);
      if (!match.empty()) {
        std::string suggestion = prefix.empty() ? match : prefix + "." + match;
        for (std::size_t j = i + 1; j < parts.size(); ++j) suggestion += "." + parts[j];
        problem += "; did you mean '" + suggestion + "'?";
      } else if (!names.empty()) {
        problem += "; it has " + join(names, " and ");
      }
      return {};
    }
    current.reset(*next);  // rebind the handle; `=` would overwrite the node
    above.push_back(current);
    prefix = prefix.empty() ? part : prefix + "." + part;
  }
  problem = "the path is empty";
  return {};
}


// Whether an edit at `target` would also change another place of the tree:
// the node, its parent or any node above them is shared through an alias
// (two paths lead to it). Two paths to a node part somewhere and meet again
// at a node with two parent edges, which is on every path to it; so looking
// along the one path the edit took is enough.
bool reached_twice(const Target& target, const Sharing& sharing) {
  if (!sharing.any()) return false;
  if (target.node && sharing.shared(*target.node)) return true;
  for (const YAML::Node& node : target.above)
    if (sharing.shared(node)) return true;
  return false;
}

const char* kind_name(StrategyEdit::Kind kind) {
  switch (kind) {
    case StrategyEdit::Kind::set: return "set";
    case StrategyEdit::Kind::scale: return "scale";
    case StrategyEdit::Kind::remove: return "remove";
    case StrategyEdit::Kind::add: return "add";
  }
  return "edit";
}

// Pins every node of a subtree made by an edit to that edit, so messages
// about it point at the edit.
void mark_subtree(const YAML::Node& node, const SourceLocation& where, SyntheticMarks& marks) {
  marks.add(node, where);
  if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      marks.add(it->first, where);
      mark_subtree(it->second, where, marks);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) mark_subtree(item, where, marks);
  }
}

// A copy of a tree without marks: nodes parsed from an edit's value text
// carry places in that text, not in the file; unmarked, they are pinned to
// the edit (mark_subtree).
YAML::Node without_marks(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      YAML::Node map(YAML::NodeType::Map);
      for (auto it = node.begin(); it != node.end(); ++it) map[without_marks(it->first)] = without_marks(it->second);
      return map;
    }
    case YAML::NodeType::Sequence: {
      YAML::Node list(YAML::NodeType::Sequence);
      for (const auto& item : node) list.push_back(without_marks(item));
      return list;
    }
    case YAML::NodeType::Scalar: {
      YAML::Node scalar(node.Scalar());
      scalar.SetTag(node.Tag());
      return scalar;
    }
    default: return YAML::Node(YAML::NodeType::Null);
  }
}

// What an `add` may put in place: the value, and for a list item, the item
// must be called by the path's last part so that later paths can name it.
std::string add_value(const Target& target, const StrategyEdit& edit, SyntheticMarks& marks) {
  YAML::Node value;
  try {
    value = without_marks(YAML::Load(edit.value_yaml));
  } catch (const YAML::Exception& e) {
    return "cannot read its value: " + e.msg;
  }
  mark_subtree(value, edit.location, marks);
  if (target.parent.IsSequence()) {
    if (!item_called(value, target.parent.size(), target.key)) {
      // Name the key this list's items are called by (channels by via, segments by name).
      std::string key = "name";
      for (const auto& item : target.parent) {
        if (map_child(item, "via")) key = "via";
        if (map_child(item, "via") || map_child(item, "name")) break;
      }
      return "'" + edit.path + "' would add a list item, but the value is not called '" + target.key +
             "'; give it `" + key + ": " + target.key + "` as the other items of this list have";
    }
    YAML::Node list = target.parent;
    list.push_back(value);
    return "";
  }
  YAML::Node map = target.parent;
  map[target.key] = value;
  return "";
}

// Applies one edit; returns a problem, or "" when it went well.
std::string apply_edit(YAML::Node& root, const StrategyEdit& edit, SyntheticMarks& marks,
                       std::optional<Sharing>& sharing, bool may_share) {
  const auto parts = split_path(edit.path);
  if (std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); }))
    return "'" + edit.path + "' has an empty part; write keys separated by single dots, e.g. touchpoints.support.cost";
  if (parts.front() == "strategies") return "a strategy cannot edit the strategies; name a key of the scenario";
  std::string problem;
  const Create create = edit.kind == StrategyEdit::Kind::set   ? Create::map_key
                        : edit.kind == StrategyEdit::Kind::add ? Create::map_key_or_item
                                                               : Create::never;
  auto target = resolve(root, parts, create, problem);
  if (!target) return "'" + edit.path + "' names nothing: " + problem;
  if (edit.kind == StrategyEdit::Kind::add && target->node)
    return "'" + edit.path + "' exists already; add makes a new key — use set to change a value";
  // Edits change the tree in place: through a YAML alias they would change every use.
  // Edits make fresh nodes, never shared ones, so what was shared is known
  // from the tree as parsed; a remove may unshare a node, so it is counted again.
  if (may_share && !sharing) sharing.emplace(root);
  const bool shared = may_share && reached_twice(*target, *sharing);
  if (edit.kind == StrategyEdit::Kind::remove) sharing.reset();
  if (shared)
    return "'" + edit.path + "' is shared with another place through a YAML alias (&anchor / *alias), so an edit "
           "would change both; write the value out in full where this strategy should change it";

  switch (edit.kind) {
    case StrategyEdit::Kind::set: {
      YAML::Node value(format_number(edit.value));
      if (target->node) {
        YAML::Node existing = *target->node;
        existing = value;
      } else {
        target->parent[target->key] = value;
      }
      marks.add(value, edit.location);
      return "";
    }
    case StrategyEdit::Kind::scale: {
      const YAML::Node& node = *target->node;
      const auto number = node.IsScalar() && node.Tag() != "!" ? parse_number(node.Scalar()) : std::nullopt;
      if (!number || !std::isfinite(*number)) {
        std::string message = "needs a number at '" + edit.path + "', but it is " + describe(node);
        const auto names = node.IsMap() ? child_names(node) : std::vector<std::string>{};
        if (!names.empty()) message += "; scale one of its keys, e.g. " + edit.path + "." + names.front();
        return message;
      }
      YAML::Node value(format_number(*number * edit.value));
      YAML::Node existing = node;
      existing = value;
      marks.add(value, edit.location);
      return "";
    }
    case StrategyEdit::Kind::add:
      return add_value(*target, edit, marks);
    case StrategyEdit::Kind::remove:
      // A touchpoint stays, marked removed, so that everything naming it still
      // loads and sends its customers to drop-off (the removal effect).
      if (parts.size() == 2 && parts[0] == "touchpoints" && target->node && target->node->IsMap()) {
        YAML::Node touchpoint = *target->node;
        touchpoint["removed"] = true;
        return "";
      }
      if (target->parent.IsSequence())
        target->parent.remove(target->index);
      else
        target->parent.remove(target->key);
      return "";
  }
  return "";
}

void emit_node(YAML::Emitter& out, const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      out << YAML::BeginMap;
      for (auto it = node.begin(); it != node.end(); ++it) {
        out << YAML::Key;
        emit_node(out, it->first);
        out << YAML::Value;
        emit_node(out, it->second);
      }
      out << YAML::EndMap;
      break;
    case YAML::NodeType::Sequence:
      out << YAML::BeginSeq;
      for (const auto& item : node) emit_node(out, item);
      out << YAML::EndSeq;
      break;
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!") out << YAML::DoubleQuoted;
      out << node.Scalar();
      break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      out << YAML::Null;
      break;
  }
}

}  // namespace

bool apply_edits(YAML::Node& root, const std::vector<StrategyEdit>& edits, const std::string& owner,
                 YamlReader& reader, SyntheticMarks& marks, bool may_share) {
  bool ok = true;
  std::optional<Sharing> sharing;
  for (const auto& edit : edits) {
    const std::string problem = apply_edit(root, edit, marks, sharing, may_share);
    if (problem.empty()) continue;
    reader.error(edit.location, (owner.empty() ? "" : "strategy '" + owner + "': ") + kind_name(edit.kind) + " " +
                                    problem);
    ok = false;
  }
  return ok;
}

void try_strategies(const YAML::Node& root, const std::string& file, const std::vector<Strategy>& strategies,
                    YamlReader& reader, Diagnostics& /*diagnostics*/, bool apply_only) {
  // Each strategy edits a copy of the tree as parsed (marks and aliases kept,
  // `strategies` left out): parsing the file again for each one made
  // thousands of strategies quadratic.
  const bool may_share = Sharing(root).any();  // the copies share what the tree shares
  for (const auto& strategy : strategies) {
    YAML::Node tree = copy_tree(root, "strategies");
    SyntheticMarks marks;
    marks.fallback = strategy.location;
    if (!apply_edits(tree, strategy.edits, strategy.name, reader, marks, may_share) || apply_only) continue;
    Diagnostics trial;
    load_tree(tree, file, "", trial, &marks, false);
    for (const auto& item : trial.all())
      if (item.severity == Severity::error)
        reader.error(item.location, "with strategy '" + strategy.name + "' applied: " + item.message);
  }
}

std::string emit_yaml(const YAML::Node& root) {
  YAML::Emitter out;
  emit_node(out, root);
  return std::string(out.c_str()) + "\n";
}

}  // namespace scenario_detail

std::string StrategyEdit::describe() const {
  using scenario_detail::format_number;
  switch (kind) {
    case Kind::set: return "set " + path + " = " + format_number(value);
    case Kind::scale: return "scale " + path + " by " + format_number(value);
    case Kind::remove: return "remove " + path;
    case Kind::add: {
      std::string text = value_yaml;
      std::replace(text.begin(), text.end(), '\n', ' ');
      return "add " + path + " = " + text;
    }
  }
  return path;
}

namespace {

const Strategy* find_strategy(const Scenario& scenario, const std::string& name, Diagnostics& diagnostics) {
  std::vector<std::string> names;
  for (const auto& candidate : scenario.strategies) {
    if (candidate.name == name) return &candidate;
    names.push_back(candidate.name);
  }
  std::string message = "there is no strategy '" + name + "' in scenario '" + scenario.name + "'; ";
  const std::string match = closest_match(name, names);
  if (!match.empty()) message += "did you mean '" + match + "'? ";
  message += names.empty() ? "it defines no strategies" : "the strategies are " + scenario_detail::join(names);
  message += " (strategies written in another file are loaded with --strategies FILE)";
  diagnostics.error({scenario.source_path, 0, 0}, message);
  return nullptr;
}

}  // namespace

namespace {

// The strategies called `names`, or nothing (each unknown one reported).
std::optional<std::vector<const Strategy*>> find_strategies(const Scenario& scenario,
                                                            const std::vector<std::string>& names,
                                                            Diagnostics& diagnostics) {
  std::vector<const Strategy*> strategies;
  for (const auto& name : names) {
    const Strategy* strategy = find_strategy(scenario, name, diagnostics);
    if (strategy == nullptr) return {};
    strategies.push_back(strategy);
  }
  return strategies;
}

// Where messages about values no edit made point when nothing better is known.
SourceLocation fallback_location(const Scenario& scenario, const std::vector<const Strategy*>& strategies,
                                 const std::vector<StrategyEdit>& then) {
  return strategies.empty() ? (then.empty() ? SourceLocation{scenario.source_path, 0, 0} : then.front().location)
                            : strategies.front()->location;
}

// An edited tree (its `strategies` already removed) loaded as the scenario it
// now describes; with `with_text`, its source_text is the edited YAML with a
// header saying what was done.
std::optional<Scenario> load_edited(const Scenario& scenario, const YAML::Node& tree,
                                    const scenario_detail::SyntheticMarks& marks,
                                    std::vector<std::string> applied_strategies, std::vector<std::string> applied_edits,
                                    Diagnostics& diagnostics, bool with_text) {
  using namespace scenario_detail;
  auto result = load_tree(tree, scenario.source_path, "", diagnostics, &marks, false);
  if (!result) return {};
  if (with_text) {
    // The edited scenario as text, so that a result file says what actually ran.
    std::vector<std::string> quoted;
    for (const auto& name : applied_strategies) quoted.push_back("'" + name + "'");
    std::string header = "# scenario '" + scenario.name + "' with " +
                         (quoted.empty()              ? std::string("edits")
                          : quoted.size() == 1 ? "strategy " + quoted.front()
                                               : "strategies " + join(quoted, ", ")) +
                         " applied\n";
    for (const auto& edit : applied_edits) header += "#   " + edit + "\n";
    result->source_text = header + emit_yaml(tree);
  }
  result->name = scenario.name;
  result->applied_strategies = std::move(applied_strategies);
  result->applied_edits = std::move(applied_edits);
  return result;  // without strategies: they were written for the scenario as it was
}

bool check_source_text(const Scenario& scenario, Diagnostics& diagnostics) {
  if (!scenario.source_text.empty()) return true;
  diagnostics.error({scenario.source_path, 0, 0},
                    "strategies and edits cannot be applied: the scenario has no source text (they edit the YAML as "
                    "written); load it with load_scenario_file or load_scenario_text");
  return false;
}

}  // namespace

std::optional<Scenario> apply_strategies(const Scenario& scenario, const std::vector<std::string>& strategy_names,
                                         Diagnostics& diagnostics, const std::vector<StrategyEdit>& then) {
  using namespace scenario_detail;
  const std::string& file = scenario.source_path;
  const auto strategies = find_strategies(scenario, strategy_names, diagnostics);
  if (!strategies || !check_source_text(scenario, diagnostics)) return {};
  auto tree = parse_yaml(scenario.source_text, file, diagnostics);
  if (!tree) return {};
  YamlReader reader(file, diagnostics);
  SyntheticMarks marks;
  marks.fallback = fallback_location(scenario, *strategies, then);
  std::vector<std::string> applied_strategies = scenario.applied_strategies;
  std::vector<std::string> applied_edits = scenario.applied_edits;
  try {
    bool ok = true;
    for (const Strategy* strategy : *strategies) {
      ok = apply_edits(*tree, strategy->edits, strategy->name, reader, marks) && ok;
      applied_strategies.push_back(strategy->name);
      for (const auto& edit : strategy->edits) applied_edits.push_back(edit.describe());
    }
    ok = apply_edits(*tree, then, "", reader, marks) && ok;
    for (const auto& edit : then) applied_edits.push_back(edit.describe());
    if (!ok) return {};
  } catch (const std::exception& e) {
    diagnostics.error(marks.fallback, std::string("the edits could not be applied: ") + e.what());
    return {};
  }
  tree->remove("strategies");
  return load_edited(scenario, *tree, marks, std::move(applied_strategies), std::move(applied_edits), diagnostics,
                     true);
}

// ---- the same edits, many times --------------------------------------------------
//
// Why the fast path gives what apply_strategies gives. apply_strategies parses
// the text, applies the strategies' edits, then the `then` edits, removes
// `strategies` and loads the tree. A slot here is a tree parsed from the same
// text with the same strategies' edits applied (and `strategies` removed: no
// `then` edit can name them), with the marks those edits made. A call applies
// its `then` edits to a slot's tree with the same apply_edit, and loads it
// with the same load_tree. The tree then equals a fresh one: every edit is a
// `set` of a key that exists (a `scale` becomes the `set` of the product it
// would write, from the number the slot started with), on distinct paths, so
// each call replaces the same nodes' values whatever an earlier call wrote,
// and the node that resolves the path is the one a fresh tree's edit would
// create (same value, no mark of the file, marked at the edit). The marks are
// the slot's strategy marks plus this call's, as a fresh run would have them.
// Whatever is not known to be such an edit takes the slow path.

struct RepeatedEdits::Slot {
  YAML::Node tree;
  scenario_detail::SyntheticMarks marks;  // the strategies' edits' marks
  int uses = 0;
};

namespace {

// A slot's tree keeps the memory of every value set on it; after this many
// calls it is parsed afresh.
constexpr int kSlotUses = 256;

}  // namespace

RepeatedEdits::RepeatedEdits(const Scenario& scenario, std::vector<std::string> strategies,
                             std::vector<StrategyEdit> edits)
    : scenario_(scenario), strategy_names_(std::move(strategies)), edits_(std::move(edits)) {
  Diagnostics ignored;
  auto slot = make_slot(ignored);
  if (!slot || !ignored.all().empty()) return;
  std::vector<std::string> paths;
  for (const StrategyEdit& edit : edits_) {
    if (edit.kind != StrategyEdit::Kind::set && edit.kind != StrategyEdit::Kind::scale) return;
    if (!std::isfinite(edit.value)) return;
    if (std::find(paths.begin(), paths.end(), edit.path) != paths.end()) return;  // one edit per path
    paths.push_back(edit.path);
    const auto parts = scenario_detail::split_path(edit.path);
    if (std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); }) ||
        parts.front() == "strategies")
      return;
    std::string problem;
    const auto target = scenario_detail::resolve(slot->tree, parts, scenario_detail::Create::never, problem);
    if (!target || !target->node) return;
    const YAML::Node& node = *target->node;
    // A plain number, not shared through an alias.
    if (!node.IsScalar() || node.Tag() == "!") return;
    const auto number = scenario_detail::parse_number(node.Scalar());
    if (!number || !std::isfinite(*number)) return;
    if (scenario_detail::reached_twice(*target, scenario_detail::Sharing(slot->tree))) return;
    originals_.push_back(*number);
  }
  fast_ = true;
  free_.push_back(std::move(slot));
}

RepeatedEdits::~RepeatedEdits() = default;

std::unique_ptr<RepeatedEdits::Slot> RepeatedEdits::make_slot(Diagnostics& diagnostics) const {
  using namespace scenario_detail;
  const auto strategies = find_strategies(scenario_, strategy_names_, diagnostics);
  if (!strategies || !check_source_text(scenario_, diagnostics)) return nullptr;
  auto tree = parse_yaml(scenario_.source_text, scenario_.source_path, diagnostics);
  if (!tree) return nullptr;
  auto slot = std::make_unique<Slot>();
  slot->marks.fallback = fallback_location(scenario_, *strategies, edits_);
  YamlReader reader(scenario_.source_path, diagnostics);
  try {
    for (const Strategy* strategy : *strategies)
      if (!apply_edits(*tree, strategy->edits, strategy->name, reader, slot->marks)) return nullptr;
  } catch (const std::exception&) {
    return nullptr;
  }
  tree->remove("strategies");
  slot->tree = *tree;
  return slot;
}

std::optional<Scenario> RepeatedEdits::apply(const std::vector<double>& values, Diagnostics& diagnostics,
                                             bool with_text) const {
  using namespace scenario_detail;
  if (values.size() != edits_.size())
    throw InternalError("RepeatedEdits::apply: " + std::to_string(values.size()) + " values for " +
                        std::to_string(edits_.size()) + " edits");
  std::vector<StrategyEdit> edits = edits_;
  for (std::size_t i = 0; i < edits.size(); ++i) edits[i].value = values[i];
  if (!fast_) {
    auto scenario = apply_strategies(scenario_, strategy_names_, diagnostics, edits);
    if (scenario && !with_text) scenario->source_text.clear();
    return scenario;
  }
  std::unique_ptr<Slot> slot;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!free_.empty()) {
      slot = std::move(free_.back());
      free_.pop_back();
    }
  }
  if (!slot) {
    Diagnostics ignored;  // it went well once, with the same text and strategies
    slot = make_slot(ignored);
    if (!slot) throw InternalError("RepeatedEdits: the strategies no longer apply");
  }
  std::vector<std::string> applied_strategies = scenario_.applied_strategies;
  std::vector<std::string> applied_edits = scenario_.applied_edits;
  for (const auto& name : strategy_names_) {
    applied_strategies.push_back(name);
    for (const Strategy& strategy : scenario_.strategies)
      if (strategy.name == name)
        for (const auto& edit : strategy.edits) applied_edits.push_back(edit.describe());
  }
  std::vector<StrategyEdit> sets = edits;  // a scale writes the product, from the number the slot started with
  for (std::size_t i = 0; i < sets.size(); ++i) {
    applied_edits.push_back(edits[i].describe());
    if (sets[i].kind == StrategyEdit::Kind::scale) {
      sets[i].kind = StrategyEdit::Kind::set;
      sets[i].value = originals_[i] * edits[i].value;
    }
  }
  SyntheticMarks marks = slot->marks;
  YamlReader reader(scenario_.source_path, diagnostics);
  std::optional<Scenario> result;
  bool applied = false;
  try {
    applied = apply_edits(slot->tree, sets, "", reader, marks);
  } catch (const std::exception& e) {
    diagnostics.error(marks.fallback, std::string("the edits could not be applied: ") + e.what());
    return {};  // the slot's tree may be half-edited: not reused
  }
  if (applied)
    result = load_edited(scenario_, slot->tree, marks, std::move(applied_strategies), std::move(applied_edits),
                         diagnostics, with_text);
  if (applied && ++slot->uses < kSlotUses) {
    const std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(std::move(slot));
  }
  return result;
}

std::optional<Scenario> apply_edits(const Scenario& scenario, const std::vector<StrategyEdit>& edits,
                                    Diagnostics& diagnostics) {
  return apply_strategies(scenario, {}, diagnostics, edits);
}

std::optional<Scenario> apply_strategy(const Scenario& scenario, const std::string& strategy_name,
                                       Diagnostics& diagnostics) {
  return apply_strategies(scenario, {strategy_name}, diagnostics);
}

bool load_strategies_text(const std::string& text, const std::string& path, Scenario& scenario,
                          Diagnostics& diagnostics) {
  using namespace scenario_detail;
  if (!check_text(text, path, "the strategies", diagnostics)) return false;
  auto root = parse_yaml(text, path, diagnostics);
  if (!root) return false;
  YamlReader reader(path, diagnostics);
  try {
    const MapView top = reader.map(*root, "a strategies file", {"strategies"});
    if (!top.is_map) return false;
    const Entry* section = top.find("strategies");
    if (section == nullptr) {
      reader.error({path, 1, 1}, "a strategies file needs a top-level `strategies:` map of named lists of edits, "
                                 "e.g. strategies: {cheaper_ads: [{scale: touchpoints.social_ad.cost, by: 0.5}]}");
      return false;
    }
    Scenario loaded;
    read_strategies(section->value, reader, loaded);
    for (const Strategy& strategy : loaded.strategies) {
      for (const Strategy& existing : scenario.strategies) {
        if (existing.name != strategy.name) continue;
        const SourceLocation& there = existing.location;
        reader.error(strategy.location, "strategy '" + strategy.name + "' is already defined at " + there.file + ":" +
                                            std::to_string(there.line) + "; give this one another name");
      }
    }
    if (!loaded.strategies.empty()) {
      auto scenario_tree = parse_yaml(scenario.source_text, scenario.source_path, diagnostics);
      if (!scenario_tree) return false;
      try_strategies(*scenario_tree, scenario.source_path, loaded.strategies, reader, diagnostics, false);
    }
    if (reader.error_count() > 0) return false;
    for (Strategy& strategy : loaded.strategies) scenario.strategies.push_back(std::move(strategy));
  } catch (const std::exception& e) {
    reader.error({path, 0, 0}, std::string("internal error while reading the strategies: ") + e.what());
  }
  return reader.error_count() == 0;
}

bool load_strategies_file(const std::string& path, Scenario& scenario, Diagnostics& diagnostics) {
  auto text = scenario_detail::read_text_file(path, "the strategies", diagnostics);
  return text && load_strategies_text(*text, path, scenario, diagnostics);
}

StrategyEdit parse_assignment(const std::string& text, const SourceLocation& where) {
  const auto equals = text.find('=');
  const std::string path = equals == std::string::npos ? "" : text.substr(0, equals);
  const auto value = equals == std::string::npos ? std::nullopt
                                                 : scenario_detail::parse_number(text.substr(equals + 1));
  if (path.empty() || !value || !std::isfinite(*value))
    throw InputError("'" + text + "' is not PATH=NUMBER; write e.g. word_of_mouth.rate=0.4 or "
                     "touchpoints.support.experience.mean=0.6");
  StrategyEdit edit;
  edit.kind = StrategyEdit::Kind::set;
  edit.path = path;
  edit.value = *value;
  edit.location = where;
  return edit;
}

}  // namespace journeysim
