// mpi_launcher_variable: which environments count as "started by an MPI launcher". The
// expected variables are the ones each launcher is documented to set (docs/operations.md).
#include "qg/cluster/mpi_launcher.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace qg::cluster {
namespace {

//! An environment holding exactly `vars`.
EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

TEST(MpiLauncher, PlainShellIsNoLauncher) {
  EXPECT_EQ(mpi_launcher_variable(env_of({{"HOME", "/root"}, {"PATH", "/usr/bin"}})), "");
}

TEST(MpiLauncher, OpenMpiMpirun) {
  EXPECT_EQ(mpi_launcher_variable(env_of({{"OMPI_COMM_WORLD_SIZE", "3"}, {"OMPI_COMM_WORLD_RANK", "1"}})),
            "OMPI_COMM_WORLD_SIZE");
}

TEST(MpiLauncher, PmixAndPmiLaunchers) {
  EXPECT_EQ(mpi_launcher_variable(env_of({{"PMIX_RANK", "0"}})), "PMIX_RANK");
  EXPECT_EQ(mpi_launcher_variable(env_of({{"PMI_RANK", "2"}, {"PMI_SIZE", "4"}})), "PMI_RANK");
  EXPECT_EQ(mpi_launcher_variable(env_of({{"PMI_FD", "5"}})), "PMI_FD");
  EXPECT_EQ(mpi_launcher_variable(env_of({{"MV2_COMM_WORLD_RANK", "0"}})), "MV2_COMM_WORLD_RANK");
  EXPECT_EQ(mpi_launcher_variable(env_of({{"MPI_LOCALNRANKS", "2"}})), "MPI_LOCALNRANKS");
}

TEST(MpiLauncher, SlurmNeedsAJobStep) {
  // An sbatch script has SLURM_PROCID but no step: a quantgrid started there runs alone.
  EXPECT_EQ(mpi_launcher_variable(env_of({{"SLURM_PROCID", "0"}, {"SLURM_JOB_ID", "7"}})), "");
  EXPECT_EQ(mpi_launcher_variable(env_of({{"SLURM_PROCID", "0"}, {"SLURM_STEP_ID", "0"}})), "SLURM_PROCID");
}

TEST(MpiLauncher, EmptyValuesDoNotCount) {
  EXPECT_EQ(mpi_launcher_variable(env_of({{"OMPI_COMM_WORLD_SIZE", ""}, {"PMI_RANK", ""}})), "");
}

// open_mpi_mca_defaults: the expected values are Open MPI's documented names (ompi_info lists the
// PML components and the mpi_yield_when_idle parameter; mpirun sets OMPI_COMM_WORLD_SIZE and
// OMPI_COMM_WORLD_LOCAL_SIZE in every rank).
using Mca = std::vector<std::pair<std::string, std::string>>;

TEST(OpenMpiMca, EveryRankOnThisNodeTakesOb1AndDoesNotYieldInsideMpi) {
  EXPECT_EQ(open_mpi_mca_defaults(env_of({{"OMPI_COMM_WORLD_SIZE", "3"}, {"OMPI_COMM_WORLD_LOCAL_SIZE", "3"}})),
            (Mca{{"OMPI_MCA_mpi_yield_when_idle", "0"}, {"OMPI_MCA_pml", "ob1"}}));
}

TEST(OpenMpiMca, RanksOnOtherNodesKeepOpenMpisPml) {
  EXPECT_EQ(open_mpi_mca_defaults(env_of({{"OMPI_COMM_WORLD_SIZE", "4"}, {"OMPI_COMM_WORLD_LOCAL_SIZE", "2"}})),
            (Mca{{"OMPI_MCA_mpi_yield_when_idle", "0"}}));
  // No local size: the layout is unknown.
  EXPECT_EQ(open_mpi_mca_defaults(env_of({{"OMPI_COMM_WORLD_SIZE", "2"}})),
            (Mca{{"OMPI_MCA_mpi_yield_when_idle", "0"}}));
}

TEST(OpenMpiMca, TheCallersChoicesWin) {
  EXPECT_EQ(open_mpi_mca_defaults(
                env_of({{"OMPI_COMM_WORLD_SIZE", "2"}, {"OMPI_COMM_WORLD_LOCAL_SIZE", "2"}, {"OMPI_MCA_pml", "ucx"}})),
            (Mca{{"OMPI_MCA_mpi_yield_when_idle", "0"}}));
  EXPECT_EQ(open_mpi_mca_defaults(env_of({{"OMPI_COMM_WORLD_SIZE", "2"},
                                          {"OMPI_COMM_WORLD_LOCAL_SIZE", "2"},
                                          {"OMPI_MCA_mpi_yield_when_idle", "1"},
                                          {"OMPI_MCA_pml", ""}})),
            Mca{});
}

TEST(OpenMpiMca, OtherLaunchersSetNothing) {
  EXPECT_EQ(open_mpi_mca_defaults(env_of({{"PMIX_RANK", "0"}, {"SLURM_PROCID", "0"}, {"SLURM_STEP_ID", "1"}})), Mca{});
  EXPECT_EQ(open_mpi_mca_defaults(env_of({{"OMPI_COMM_WORLD_SIZE", ""}})), Mca{});
}

}  // namespace
}  // namespace qg::cluster
