// quantgrid: one executable, with subcommands for running jobs, managing market data, reading
// results and promoting to the live node (cli.cpp).
#include "commands.hpp"

int main(int argc, char** argv) { return qg::app::run_cli(argc, argv); }
