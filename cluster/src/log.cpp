#include "qg/cluster/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "qg/core/error.hpp"

namespace qg::cluster {

void init_logging(int rank, int size, const std::string& role, const std::string& level) {
  const auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off")
    throw ConfigError("--log-level: '" + level + "' is not one of trace, debug, info, warn, error, off");
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>(
      isatty(STDERR_FILENO) ? spdlog::color_mode::automatic : spdlog::color_mode::never);
  auto logger = std::make_shared<spdlog::logger>("qg", sink);
  logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [rank " + std::to_string(rank) + "/" + std::to_string(size) + "] [" +
                      role + "] [%^%l%$] %v");
  logger->set_level(lvl);
  spdlog::set_default_logger(logger);
}

}  // namespace qg::cluster
