#pragma once
// Which sanitizer this build runs under. GCC defines __SANITIZE_ADDRESS__ and
// __SANITIZE_THREAD__; clang 14 defines neither and answers __has_feature
// instead (the `asan` and `tsan` presets build with clang).

namespace journeysim::sanitizers {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif
#else
inline constexpr bool kAddressSanitizer = false;
#endif

#if defined(__SANITIZE_THREAD__)
inline constexpr bool kThreadSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr bool kThreadSanitizer = true;
#else
inline constexpr bool kThreadSanitizer = false;
#endif
#else
inline constexpr bool kThreadSanitizer = false;
#endif

// Either: they reserve terabytes of address space (no RLIMIT_AS under them)
// and run several times slower.
inline constexpr bool kSanitized = kAddressSanitizer || kThreadSanitizer;

}  // namespace journeysim::sanitizers
