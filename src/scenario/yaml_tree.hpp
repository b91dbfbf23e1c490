#pragma once
// Whole-tree operations on a parsed YAML tree that are safe with aliases.
// Internal to src/scenario (and the sweep plan reader).
//
// yaml-cpp expands an alias (*name) as the very node its anchor (&name)
// defined, shared: a tree is a DAG, and a walk that follows every edge visits
// a node once per path to it. Nine levels of nine aliases are 9^9 paths from a
// 700-byte file. Every walk here visits each distinct node once; the one that
// counts paths (expanded_size) stops counting at a limit.
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>

#include <yaml-cpp/yaml.h>

namespace journeysim::scenario_detail {

// Which node a handle refers to: equal exactly when YAML::Node::is() is true.
// Null for a handle without a node.
const void* node_identity(const YAML::Node& node);

// How big a tree is, once and as it reads with every alias written out.
struct TreeSize {
  std::size_t distinct = 0;     // nodes, each counted once
  std::size_t expanded = 0;     // nodes on every path; at most `limit` + 1
  bool shared = false;          // some node is reached by two paths (an alias)
  std::optional<YAML::Node> too_big;   // the smallest node whose expansion passed the limit
  bool cycle = false;                  // too_big contains an alias to itself
  std::optional<YAML::Node> too_deep;  // the first collection nested deeper than `max_depth`
};
// Walks at most `max_depth` levels of collections, and stops counting at `limit`.
TreeSize tree_size(const YAML::Node& root, std::size_t limit, int max_depth);

// How many parent edges lead to each distinct node: more than one means it is
// shared (through an alias, or a key mapped twice to one node).
class Sharing {
 public:
  explicit Sharing(const YAML::Node& root);
  // Reached by more than one edge. Nodes the tree did not have when this was
  // made are not shared (edits make fresh nodes).
  bool shared(const YAML::Node& node) const;
  bool any() const { return any_; }

 private:
  std::unordered_map<const void*, int> parents_;
  bool any_ = false;
};

// A deep copy that keeps each node's mark (its file:line:col) and tag, and
// keeps shared nodes shared. `skip_top_key`: when the root is a map, leave out
// that key (e.g. "strategies").
YAML::Node copy_tree(const YAML::Node& root, const std::string& skip_top_key = "");

}  // namespace journeysim::scenario_detail
