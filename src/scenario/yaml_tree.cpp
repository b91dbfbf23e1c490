#include "scenario/yaml_tree.hpp"

#include <algorithm>
#include <vector>

namespace journeysim::scenario_detail {
struct YamlNodeAccess {};
}  // namespace journeysim::scenario_detail

// yaml-cpp has no public way to name a node (to hash it, or to set the mark
// of a node made in code), but befriends every specialisation of as_if. This
// one reads a handle's node and memory, and makes a handle for a node made
// in a memory; detail::node's own interface does the rest. Written against
// yaml-cpp 0.6-0.8 (Debian 12 ships 0.7).
template <>
struct YAML::as_if<journeysim::scenario_detail::YamlNodeAccess, void> {
  static YAML::detail::node* node_of(const YAML::Node& node) { return node.m_pNode; }
  static YAML::detail::shared_memory_holder memory_of(const YAML::Node& node) { return node.m_pMemory; }
  static YAML::Node handle(YAML::detail::node& node, YAML::detail::shared_memory_holder memory) {
    return YAML::Node(node, std::move(memory));
  }
};

namespace journeysim::scenario_detail {
namespace {

using Access = YAML::as_if<YamlNodeAccess, void>;

// The children of a collection, keys included, in order.
template <typename Visit>
void for_each_child(const YAML::Node& node, Visit&& visit) {
  if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      visit(it->first);
      visit(it->second);
    }
  } else if (node.IsSequence()) {
    for (auto it = node.begin(); it != node.end(); ++it) visit(*it);
  }
}

struct SizeWalk {
  std::size_t limit;
  int max_depth;
  struct Done {
    std::size_t size;  // nodes, expanded
    int height;        // levels of collections, this one included
  };
  std::unordered_map<const void*, Done> size;  // finished nodes
  std::unordered_map<const void*, bool> open;         // nodes being walked (a cycle leads back to one)
  int depth = 0;
  TreeSize result;

  int height = 0;  // of the node walk() returned last

  std::size_t walk(const YAML::Node& node) {
    height = 0;
    const void* id = node_identity(node);
    if (id == nullptr) return 0;
    if (auto done = size.find(id); done != size.end()) {
      result.shared = true;
      // Reached again through an alias, maybe deeper down than before.
      if (depth + done->second.height > max_depth) {
        if (!result.too_deep) result.too_deep = node;
        return limit + 1;
      }
      height = done->second.height;
      return done->second.size;
    }
    if (open.count(id) != 0) {  // an alias inside its own anchor: endless
      result.shared = true;
      result.cycle = !result.too_big.has_value();
      return limit + 1;  // the anchor it leads back to finishes over the limit
    }
    const bool collection = node.IsMap() || node.IsSequence();
    if (collection && depth + 1 > max_depth) {
      if (!result.too_deep) result.too_deep = node;
      return limit + 1;
    }
    depth += collection ? 1 : 0;
    open.emplace(id, true);
    std::size_t total = 1;
    int below = 0;
    for_each_child(node, [&](const YAML::Node& child) {
      total += walk(child);
      below = std::max(below, height);
      if (total > limit) total = limit + 1;
    });
    open.erase(id);
    depth -= collection ? 1 : 0;
    if (total > limit && !result.too_big) {
      // The first node to finish over the limit is the smallest such: the
      // anchor that blows up, not the file's root.
      result.too_big = node;
      result.expanded = limit + 1;
    }
    height = below + (collection ? 1 : 0);
    size.emplace(id, Done{total, height});
    return total;
  }
};

}  // namespace

const void* node_identity(const YAML::Node& node) {
  const YAML::detail::node* inner = Access::node_of(node);
  return inner == nullptr ? nullptr : static_cast<const void*>(inner->ref());
}

TreeSize tree_size(const YAML::Node& root, std::size_t limit, int max_depth) {
  SizeWalk walk{limit, max_depth, {}, {}, 0, {}};
  const std::size_t total = walk.walk(root);
  walk.result.distinct = walk.size.size();
  if (!walk.result.too_big) walk.result.expanded = total;
  return walk.result;
}

Sharing::Sharing(const YAML::Node& root) {
  std::vector<YAML::Node> pending{root};
  parents_[node_identity(root)] = 0;
  while (!pending.empty()) {
    const YAML::Node node = pending.back();
    pending.pop_back();
    for_each_child(node, [&](const YAML::Node& child) {
      const void* id = node_identity(child);
      if (id == nullptr) return;
      const int seen = parents_[id]++;
      if (seen == 0) pending.push_back(child);
      else any_ = true;
    });
  }
}

bool Sharing::shared(const YAML::Node& node) const {
  const auto it = parents_.find(node_identity(node));
  return it != parents_.end() && it->second > 1;
}

namespace {

// Copies nodes into one memory (the copy's root's), through detail::node:
// building the copy with Node handles gives every node a memory of its own
// and merges them one by one, several times slower.
struct Copier {
  YAML::detail::shared_memory_holder memory;
  std::unordered_map<const void*, YAML::detail::node*> made;
  std::string skip_top_key;

  YAML::detail::node& copy(const YAML::Node& from, bool top) {
    const void* id = node_identity(from);
    if (auto it = made.find(id); it != made.end()) return *it->second;
    YAML::detail::node& to = memory->create_node();
    made.emplace(id, &to);
    switch (from.Type()) {
      case YAML::NodeType::Scalar: to.set_scalar(from.Scalar()); break;
      case YAML::NodeType::Map: to.set_type(YAML::NodeType::Map); break;
      case YAML::NodeType::Sequence: to.set_type(YAML::NodeType::Sequence); break;
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined: to.set_null(); break;
    }
    if (!from.Tag().empty()) to.set_tag(from.Tag());
    to.set_style(from.Style());
    to.set_mark(from.Mark());
    if (from.IsMap()) {
      for (auto it = from.begin(); it != from.end(); ++it) {
        if (top && !skip_top_key.empty() && it->first.IsScalar() && it->first.Scalar() == skip_top_key) continue;
        YAML::detail::node& key = copy(it->first, false);
        YAML::detail::node& value = copy(it->second, false);
        to.insert(key, value, memory);
      }
    } else if (from.IsSequence()) {
      for (auto it = from.begin(); it != from.end(); ++it) to.push_back(copy(*it, false), memory);
    }
    return to;
  }
};

}  // namespace

YAML::Node copy_tree(const YAML::Node& root, const std::string& skip_top_key) {
  YAML::Node holder(YAML::NodeType::Null);  // owns the memory the copy is made in
  Copier copier{Access::memory_of(holder), {}, skip_top_key};
  YAML::detail::node& copy = copier.copy(root, true);
  return Access::handle(copy, copier.memory);
}

}  // namespace journeysim::scenario_detail
