#pragma once
// A progress bar on stderr for runs long enough to need one (over about a second).
#include <chrono>
#include <cstdio>

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled), started_(Clock::now()), last_(started_) {}
  // Leaving early (an error, an interruption) clears the line too, so no half-drawn bar is left behind.
  ~ProgressBar() { finish(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void update(double fraction) {
    if (!enabled_) return;
    const auto now = Clock::now();
    if (now - started_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    shown_ = true;
    constexpr int width = 40;
    const int filled = static_cast<int>(fraction * width + 0.5);
    const double elapsed = std::chrono::duration<double>(now - started_).count();
    const double remaining = fraction > 0.0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
    std::fprintf(stderr, "\r[%.*s%*s] %3.0f%%  %.0fs left ", filled, "########################################",
                 width - filled, "", fraction * 100.0, remaining);
    std::fflush(stderr);
  }

  void finish() {
    if (shown_) {
      std::fprintf(stderr, "\r%*s\r", 72, "");
      std::fflush(stderr);
    }
    shown_ = false;
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  bool shown_ = false;
  Clock::time_point started_;
  Clock::time_point last_;
};
