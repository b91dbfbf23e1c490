// Strategies: edits to the YAML tree, named by dotted paths as written in the
// file. Applying one edits a fresh parse of the scenario text and loads the
// result again, so every check of a plain load applies to it too.
#include <algorithm>
#include <cmath>

#include "journeysim/load.hpp"
#include "scenario/loader.hpp"

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
};

std::optional<Target> resolve(YAML::Node root, const std::vector<std::string>& parts, bool may_create,
                              std::string& problem) {
  YAML::Node current = root;
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
    if (last && (next || (may_create && !current.IsSequence()))) return Target{current, part, index, next};
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
    prefix = prefix.empty() ? part : prefix + "." + part;
  }
  problem = "the path is empty";
  return {};
}


// How many times `node` occurs in the tree (more than once: through aliases).
int appearances(const YAML::Node& tree, const YAML::Node& node) {
  int count = tree.is(node) ? 1 : 0;
  if (tree.IsMap())
    for (auto it = tree.begin(); it != tree.end(); ++it) count += appearances(it->second, node);
  else if (tree.IsSequence())
    for (const auto& item : tree) count += appearances(item, node);
  return count;
}

const char* kind_name(StrategyEdit::Kind kind) {
  switch (kind) {
    case StrategyEdit::Kind::set: return "set";
    case StrategyEdit::Kind::scale: return "scale";
    case StrategyEdit::Kind::remove: return "remove";
  }
  return "edit";
}

// Applies one edit; returns a problem, or "" when it went well.
std::string apply_edit(YAML::Node& root, const StrategyEdit& edit, SyntheticMarks& marks) {
  const auto parts = split_path(edit.path);
  if (std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); }))
    return "'" + edit.path + "' has an empty part; write keys separated by single dots, e.g. touchpoints.support.cost";
  if (parts.front() == "strategies") return "a strategy cannot edit the strategies; name a key of the scenario";
  std::string problem;
  auto target = resolve(root, parts, edit.kind == StrategyEdit::Kind::set, problem);
  if (!target) return "'" + edit.path + "' names nothing: " + problem;
  // Edits change the tree in place: through a YAML alias they would change every use.
  if ((target->node && appearances(root, *target->node) > 1) || appearances(root, target->parent) > 1)
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
      marks.nodes.emplace_back(value, edit.location);
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
      marks.nodes.emplace_back(value, edit.location);
      return "";
    }
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

bool apply_edits(YAML::Node& root, const Strategy& strategy, YamlReader& reader, SyntheticMarks& marks) {
  bool ok = true;
  for (const auto& edit : strategy.edits) {
    const std::string problem = apply_edit(root, edit, marks);
    if (problem.empty()) continue;
    reader.error(edit.location, "strategy '" + strategy.name + "': " + kind_name(edit.kind) + " " + problem);
    ok = false;
  }
  return ok;
}

std::string emit_yaml(const YAML::Node& root) {
  YAML::Emitter out;
  emit_node(out, root);
  return std::string(out.c_str()) + "\n";
}

}  // namespace scenario_detail

std::optional<Scenario> apply_strategy(const Scenario& scenario, const std::string& strategy_name,
                                       Diagnostics& diagnostics) {
  using namespace scenario_detail;
  const std::string& file = scenario.source_path;
  const Strategy* strategy = nullptr;
  std::vector<std::string> names;
  for (const auto& candidate : scenario.strategies) {
    names.push_back(candidate.name);
    if (candidate.name == strategy_name) strategy = &candidate;
  }
  if (strategy == nullptr) {
    std::string message = "there is no strategy '" + strategy_name + "' in scenario '" + scenario.name + "'; ";
    const std::string match = closest_match(strategy_name, names);
    if (!match.empty()) message += "did you mean '" + match + "'? ";
    message += names.empty() ? "it defines no strategies" : "the strategies are " + join(names);
    diagnostics.error({file, 0, 0}, message);
    return {};
  }
  if (scenario.source_text.empty()) {
    diagnostics.error({file, 0, 0}, "strategy '" + strategy_name +
                                        "' cannot be applied: the scenario has no source text (strategies edit the "
                                        "YAML as written); load it with load_scenario_file or load_scenario_text");
    return {};
  }
  auto tree = parse_yaml(scenario.source_text, file, diagnostics);
  if (!tree) return {};
  YamlReader reader(file, diagnostics);
  SyntheticMarks marks;
  marks.fallback = strategy->location;
  try {
    if (!apply_edits(*tree, *strategy, reader, marks)) return {};
  } catch (const std::exception& e) {
    diagnostics.error(strategy->location, "strategy '" + strategy_name + "' could not be applied: " + e.what());
    return {};
  }
  tree->remove("strategies");
  auto result = load_tree(*tree, file, "", diagnostics, &marks, false);
  if (!result) return {};
  // The edited scenario as text, so that a result file says what actually ran.
  result->source_text = "# scenario '" + scenario.name + "' with strategy '" + strategy_name + "' applied\n" +
                        emit_yaml(*tree);
  result->name = scenario.name;
  return result;  // without strategies: they were written for the scenario as it was

}

}  // namespace journeysim
