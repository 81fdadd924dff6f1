#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "source/server/conf_loader.h"
#include "source/server/declarative_source.h"
#include "source/server/process_lock.h"
#include "source/server/proxy_settings.h"
#include "source/server/server.h"

namespace portico::server {
namespace {

constexpr char kUsage[] = R"(Usage: portico COMMAND [OPTIONS]

Commands:
  start [-c CONF] [-p PREFIX]   run the gateway in the foreground until SIGTERM/SIGINT
  control-plane [-c CONF] [-p PREFIX]
                                run as the control plane of data planes (role = control_plane):
                                serve declarative_config to them over cluster_listen
  stop [-c CONF] [-p PREFIX]    stop the gateway running in PREFIX (graceful drain)
  quit [-c CONF] [-p PREFIX]    same as stop
  reload [-c CONF] [-p PREFIX]  re-read the declarative config of the running gateway
  config init [FILE]            write a starter kong.yml (default ./kong.yml)
  config parse FILE             validate a declarative config file
  version                       print the version

CONF is a kong.conf-style file; every key may also be set as PORTICO_<KEY> (or KONG_<KEY>).
)";

int fail(const std::string& message) {
  std::cerr << "Error: " << message << std::endl;
  return 1;
}

struct CommonOptions {
  std::string conf;
  std::string prefix;
};

bool parseCommonOptions(const std::vector<std::string>& args, size_t first, CommonOptions& out,
                        std::string& error) {
  for (size_t i = first; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if ((arg == "-c" || arg == "--conf") && i + 1 < args.size()) {
      out.conf = args[++i];
    } else if ((arg == "-p" || arg == "--prefix") && i + 1 < args.size()) {
      out.prefix = args[++i];
    } else if (arg == "--vv" || arg == "--v") {
      continue;
    } else {
      error = "unknown option: " + arg;
      return false;
    }
  }
  return true;
}

absl::StatusOr<config::v1::Bootstrap> bootstrapFor(const CommonOptions& options) {
  absl::StatusOr<config::v1::Bootstrap> bootstrap =
      loadBootstrap(options.conf, processEnvironment());
  if (bootstrap.ok() && !options.prefix.empty()) {
    bootstrap->set_prefix(options.prefix);
  }
  return bootstrap;
}

// `role` overrides the conf's role when set (the control-plane command).
int start(const CommonOptions& options, const std::string& role = "") {
  absl::StatusOr<config::v1::Bootstrap> bootstrap = bootstrapFor(options);
  if (!bootstrap.ok()) {
    return fail(std::string(bootstrap.status().message()));
  }
  if (!role.empty()) {
    bootstrap->set_role(role);
  }
  Server server(std::move(*bootstrap));
  return server.run();
}

// A zombie (exited, not yet reaped by its parent) has stopped serving: it counts as gone.
bool processAlive(pid_t pid) {
  if (kill(pid, 0) != 0) {
    return false;
  }
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  std::getline(stat, text);
  const size_t close = text.rfind(')');
  return close == std::string::npos || close + 2 >= text.size() || text[close + 2] != 'Z';
}

int signalRunning(const CommonOptions& options, int signum, const char* done_message) {
  absl::StatusOr<config::v1::Bootstrap> bootstrap = bootstrapFor(options);
  if (!bootstrap.ok()) {
    return fail(std::string(bootstrap.status().message()));
  }
  absl::StatusOr<pid_t> pid = ProcessLock::runningPid(bootstrap->prefix());
  if (!pid.ok()) {
    return fail(std::string(pid.status().message()));
  }
  if (kill(*pid, signum) != 0) {
    return fail(std::string("could not signal process ") + std::to_string(*pid) + ": " +
                std::strerror(errno));
  }
  if (signum != SIGHUP) {
    // Wait for the drain to finish, as `kong stop` does.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (processAlive(*pid) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  std::cout << done_message << std::endl;
  return 0;
}

int configInit(const std::vector<std::string>& args) {
  const std::string path = args.size() > 2 ? args[2] : "kong.yml";
  if (access(path.c_str(), F_OK) == 0) {
    return fail(path + " already exists.\nWill not overwrite it.");
  }
  std::ofstream file(path);
  file << starterDeclarativeConfig();
  if (!file) {
    return fail("could not write " + path);
  }
  std::cout << "Created '" << path << "' file" << std::endl;
  return 0;
}

int configParse(const std::vector<std::string>& args) {
  if (args.size() < 3) {
    return fail("expected a declarative configuration file; see `portico config --help`");
  }
  absl::StatusOr<std::shared_ptr<const config::v1::DeclarativeConfig>> config =
      loadDeclarativeFile(args[2]);
  if (!config.ok()) {
    std::cerr << "Error: Failed parsing:\n" << config.status().message() << std::endl;
    return 1;
  }
  std::cout << "parse successful" << std::endl;
  return 0;
}

int main(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 1 : 0;
  }
  const std::string& command = args[0];
  if (command == "version" || command == "--version") {
    std::cout << kProductVersion << std::endl;
    return 0;
  }
  if (command == "config") {
    if (args.size() >= 2 && args[1] == "init") {
      return configInit(args);
    }
    if (args.size() >= 2 && args[1] == "parse") {
      return configParse(args);
    }
    if (args.size() >= 2 && (args[1] == "db_import" || args[1] == "db_export")) {
      return fail("'portico config " + args[1] +
                  "' only works with a database.\nWhen using database=off, reload your "
                  "declarative configuration using the /config endpoint.");
    }
    std::cerr << kUsage;
    return 1;
  }
  CommonOptions options;
  std::string error;
  if (!parseCommonOptions(args, 1, options, error)) {
    return fail(error);
  }
  if (command == "start") {
    return start(options);
  }
  if (command == "control-plane") {
    return start(options, "control_plane");
  }
  if (command == "stop") {
    return signalRunning(options, SIGTERM, "Portico stopped");
  }
  if (command == "quit") {
    return signalRunning(options, SIGQUIT, "Portico stopped (gracefully)");
  }
  if (command == "reload") {
    return signalRunning(options, SIGHUP, "Portico reloaded");
  }
  std::cerr << kUsage;
  return 1;
}

}  // namespace
}  // namespace portico::server

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return portico::server::main(args);
}
