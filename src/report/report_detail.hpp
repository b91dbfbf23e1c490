#pragma once
// Shared by the report's model and writers (src/report/*.cpp).
#include <string>
#include <vector>

#include "journeysim/results.hpp"

namespace journeysim::report {

// The journey's stages in order: awareness → … → advocacy.
inline const std::vector<std::string>& stage_names() {
  static const std::vector<std::string> names{"awareness", "consideration", "purchase", "retention", "advocacy"};
  return names;
}

// Each touchpoint's stage, read from the scenario text the file keeps (with
// the project's loader); "" for every touchpoint when that text is missing or
// does not load, and `problem` then says why.
std::vector<std::string> touchpoint_stages(const Results& results, std::string* problem);

// A colour per stage (Okabe–Ito), grey for drop-off, dark grey for entries.
inline const char* kind_colour(const std::string& kind) {
  if (kind == "awareness") return "#56B4E9";
  if (kind == "consideration") return "#0072B2";
  if (kind == "purchase") return "#009E73";
  if (kind == "retention") return "#E69F00";
  if (kind == "advocacy") return "#CC79A7";
  if (kind == "drop-off") return "#999999";
  if (kind == "entry") return "#444444";
  if (kind == "touchpoint") return "#0072B2";  // no stages known: all alike
  return "#D55E00";  // a touchpoint whose stage is unknown
}

}  // namespace journeysim::report
