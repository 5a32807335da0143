#pragma once
// An in-process transport: ranks are threads of one process exchanging messages through
// mailboxes. It runs coordinator and worker logic in unit tests, and it is how a single
// process (no mpirun) runs the coordinator and a worker side by side.
#include <memory>
#include <vector>

#include "qg/cluster/transport.hpp"

namespace qg::cluster {

//! Creates `size` connected endpoints; endpoint i has rank i. Each endpoint is used by one
//! thread at a time.
std::vector<std::unique_ptr<Transport>> make_inprocess_transports(int size);

}  // namespace qg::cluster
