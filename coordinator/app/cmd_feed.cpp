// `quantgrid feed replay`: the store is read here, with the binary's HDF5, and its bars are sent
// by the live module (cmd_feed_send, cmd_live.cpp), which links ZeroMQ.
#include "commands.hpp"
#include "live_module.hpp"
#include "qg/cluster/log.hpp"
#include "qg/results/market_store.hpp"

namespace qg::app {

int cmd_feed_replay(const FeedArgs& args) {
  const LiveCommands& live = live_commands();
  cluster::init_logging(0, 1, "feed", args.log_level);
  results::DataSelection selection;
  selection.symbols = args.symbols;
  selection.start = args.start;
  selection.end = args.end;
  return live.feed_send(args, results::read_store(args.store, selection));
}

}  // namespace qg::app
