#pragma once

#include <string>
#include <string_view>

namespace portico::log {

enum class Level { kDebug, kInfo, kNotice, kWarn, kError, kCrit };

// The process's error log (Kong's proxy_error_log): "stderr" by default, or a file. Lines look
// like nginx's: `2026/11/26 08:50:00 [error] 1234#1: message`. Each line is one write(2), so
// lines from different threads never interleave. Callers must never pass secrets.
void configure(const std::string& target, Level min_level);
bool enabled(Level level);
void write(Level level, std::string_view message);

// "debug", "info", "notice", "warn", "error", "crit" (anything else: notice).
Level parseLevel(std::string_view name);

inline void info(std::string_view message) { write(Level::kInfo, message); }
inline void notice(std::string_view message) { write(Level::kNotice, message); }
inline void warn(std::string_view message) { write(Level::kWarn, message); }
inline void error(std::string_view message) { write(Level::kError, message); }

}  // namespace portico::log
