// The `strategies` section: named lists of edits. Their paths are checked
// against the scenario tree by strategy.cpp.
#include "scenario/keys.hpp"
#include "scenario/loader.hpp"

namespace journeysim::scenario_detail {
namespace {

const std::vector<std::string>& kEditKeys = keys::edit;

struct Operation {
  const char* key;
  StrategyEdit::Kind kind;
  const char* operand;  // the key holding its number, or nullptr
};

const Operation kOperations[] = {
    {"set", StrategyEdit::Kind::set, "value"},
    {"scale", StrategyEdit::Kind::scale, "by"},
    {"remove", StrategyEdit::Kind::remove, nullptr},
    {"add", StrategyEdit::Kind::add, "value"},  // any YAML value, not only a number
};

std::optional<StrategyEdit> read_edit(const YAML::Node& item, const std::string& what, YamlReader& reader) {
  const MapView fields = reader.map(item, what, kEditKeys);
  if (!fields.is_map) return {};
  const Operation* operation = nullptr;
  int operations = 0;
  for (const auto& candidate : kOperations) {
    if (fields.has(candidate.key)) {
      ++operations;
      if (operation == nullptr) operation = &candidate;
    }
  }
  if (operations != 1) {
    if (operations == 0 && fields.entries.size() < item.size()) return {};  // its unknown key was reported
    reader.error(reader.where(item),
                 operations == 0
                     ? what + " does nothing; give it one of set, scale, add or remove, e.g. "
                              "{set: word_of_mouth.rate, value: 0.4}"
                     : what + " combines set, scale, add and remove; an edit does one of them, so split it into "
                              "separate list items");
    return {};
  }
  StrategyEdit edit;
  edit.kind = operation->kind;
  const Entry* path = fields.find(operation->key);
  edit.location = reader.where(path->value);
  bool ok = true;
  if (auto text = reader.text(path->value, what + "." + operation->key))
    edit.path = *text;
  else
    ok = false;
  // The operand: required for set and scale, and never the other one's.
  for (const auto& other : kOperations) {
    if (other.operand == nullptr || (operation->operand != nullptr && std::string(other.operand) == operation->operand))
      continue;
    if (const Entry* stray = fields.find(other.operand)) {
      reader.error(reader.where_key(*stray), "'" + stray->key + "' goes with " + other.key + ", not with " +
                                                 operation->key +
                                                 (operation->operand ? std::string("; use '") + operation->operand +
                                                                           "' here"
                                                                     : std::string("; remove it")));
      return {};  // one mistake, one message: not also "missing 'by'"
    }
  }
  if (operation->operand != nullptr) {
    const std::string operand = operation->operand;
    const std::string example = edit.kind == StrategyEdit::Kind::set   ? "value: 0.4"
                                : edit.kind == StrategyEdit::Kind::add ? "value: {stage: consideration}"
                                                                       : "by: 1.5";
    if (!reader.require(fields, operand, what, reader.where(item),
                        std::string("add `") + example + "` next to " + operation->key))
      return {};
    if (edit.kind == StrategyEdit::Kind::add) {
      YAML::Emitter out;
      out << YAML::Flow << fields.find(operand)->value;
      edit.value_yaml = out.c_str();
    } else if (auto number = reader.number(fields, operand, what + "." + operand, Range::finite))
      edit.value = *number;
    else
      ok = false;
  }
  if (!ok) return {};
  return edit;
}

}  // namespace

void read_strategies(const YAML::Node& node, YamlReader& reader, Scenario& scenario) {
  const MapView strategies = reader.map(node, "strategies");
  for (const auto& entry : strategies.entries) {
    Strategy strategy;
    strategy.name = entry.key;
    strategy.location = reader.where_key(entry);
    const std::string what = "strategies." + entry.key;
    const auto items = reader.list(entry.value, what);
    if (!items) continue;
    for (std::size_t i = 0; i < items->size(); ++i)
      if (auto edit = read_edit((*items)[i], what + "." + std::to_string(i), reader))
        strategy.edits.push_back(*edit);
    scenario.strategies.push_back(std::move(strategy));
  }
}

}  // namespace journeysim::scenario_detail
