#include "qg/coordinator/coordinator.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <optional>
#include <utility>

#include "qg/coordinator/build_info.hpp"
#include "qg/coordinator/chunk_rule.hpp"
#include "qg/coordinator/journal.hpp"
#include "qg/coordinator/progress.hpp"
#include "qg/coordinator/reorder.hpp"
#include "qg/coordinator/scheduler.hpp"
#include "qg/coordinator/service_meter.hpp"
#include "qg/coordinator/worker_pool.hpp"
#include "qg/core/error.hpp"
#include "qg/core/sha256.hpp"
#include "qg/core/time.hpp"
#include "qg/jobs/collective_tasks.hpp"
#include "qg/jobs/job_kind.hpp"
#include "qg/kernels/kernel_target.hpp"
#include "qg/results/run_file.hpp"
#include "qg/worker/transport_block_reduction.hpp"

namespace qg::coordinator {
namespace {

using Clock = std::chrono::steady_clock;

//! The share of its time rank 0 may spend serving chunks before guided chunks grow (chunk_rule.hpp):
//! at a tenth, workers wait for rank 0 rarely enough to keep 90% parallel efficiency.
constexpr double kRank0Load = 0.1;
//! The load rule raises guided chunks to at most a sixteenth of a worker's share of the stage, so
//! that the stage's last chunk, served while the other workers wait, stays small (chunk_rule.hpp).
constexpr std::uint64_t kTailParts = 16;
//! How long rank 0 waits, before the first stage, for every worker to hold the job (its first request):
//! each rank builds the job from the broadcast (20,000 small symbols: a tenth of a second and more), and
//! a worker that finished after rank 0 had its set-up counted as stage time. A worker that is not there
//! by then joins when it asks, as before.
constexpr std::chrono::seconds kJoinWait{10};
//! Work a worker's queue should hold (pipeline_depth_for): on the dispatch benchmark's tiny tasks,
//! 32-128 chunks (150-600 us) kept the workers of `mpiexec -n 2` and `-n 3` busiest, 2 and 8 did
//! not (docs/performance.md, section 3).
constexpr double kQueuedSeconds = 250e-6;
//! The most chunks a worker holds, however short they are.
constexpr std::size_t kMaxPipelineDepth = 64;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

//! "3..5, 9..12": the task ranges of `chunks`.
std::string describe(const std::vector<HeldChunk>& chunks) {
  std::string out;
  for (const HeldChunk& c : chunks)
    out += (out.empty() ? "" : ", ") + std::to_string(c.range.first) + ".." + std::to_string(c.range.end() - 1);
  return out;
}

//! The journal header: a run may only resume a journal with the same spec and data, written with the same task
//! layout. The revision on the first line changes whenever a job's tasks change what they cover (revision 2: a
//! PBO task holds 32 complementary split pairs, not 16; revision 3: a walk-forward run has two stages, the N_eff
//! correlation pairs after the sets' tasks and the split tasks after the segments), so a journal of an older layout
//! is refused, never replayed.
std::string journal_header(const jobs::Job& job, const RunContext& ctx, const std::string& spec_sha) {
  return "quantgrid-journal 3\njob_kind=" + job.header().kind + "\nspec_sha256=" + spec_sha +
         "\ndata_sha256=" + ctx.data_sha256 + "\n";
}

class CoordinatorRun {
 public:
  CoordinatorRun(const jobs::Job& job, cluster::Transport& transport, const RunContext& ctx)
      : job_(job),
        transport_(transport),
        ctx_(ctx),
        pool_(transport.size(), ctx.pipeline_depth),
        input_stage_(static_cast<std::size_t>(transport.size()), 0),
        progress_(ctx.interactive, std::chrono::seconds(10)) {}

  //! Runs the job and commits the run file, which it hands over in `committed`.
  RunSummary run(std::unique_ptr<results::RunFile>& committed) {
    const auto start = Clock::now();
    spec_sha_ = sha256_hex(ctx_.spec_text);
    open_journal(journal_header(job_, ctx_, spec_sha_));
    wait_for_workers_to_join();
    for (std::uint32_t stage = 0; stage < job_.num_stages(); ++stage) {
      const auto stage_start = Clock::now();
      run_stage(stage);
      summary_.stage_seconds += std::chrono::duration<double>(Clock::now() - stage_start).count();
      auto input = reducer_->end_stage(stage);
      if (stage + 1 < job_.num_stages()) stage_input_ = std::move(input);
    }
    stop_workers();
    auto file = std::move(file_);
    write_errors(*file);
    file->set_attribute("/", "end_time", utc_now());
    summary_.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    file->set_attribute("/", "elapsed_seconds", summary_.seconds);
    file->set_attribute("/", "stage_seconds", summary_.stage_seconds);
    journal_->sync_before_commit();
    file->commit();
    committed = std::move(file);  // freeing the output it replaced goes on (retired_file.hpp)
    journal_->remove();           // the run file is complete: the journal has served its purpose
    return summary_;
  }

 private:
  void open_journal(const std::string& header) {
    const auto path = journal_path(ctx_.output);
    if (ctx_.resume && std::filesystem::exists(path)) {
      reader_.emplace(path);
      if (reader_->header() != header)
        throw ConfigError(path.string() + ": this journal belongs to a different spec or data file (" +
                          "its header does not match); delete it to start over");
      spdlog::info("resuming from journal {}", path.string());
      return;  // the writer opens once replay has found the last intact record
    }
    if (ctx_.resume) spdlog::warn("--resume: no journal at {}, starting from the beginning", path.string());
    fresh_header_ = header;  // created by open_outputs, once the first chunks are out
  }

  //! Creates the journal of a fresh run, the run file and the job's reducer. A fresh run whose first stage
  //! has no collective task first hands out chunks to the workers that asked for work
  //! (wait_for_workers_to_join), so that they compute while these files are made. Nothing is written to
  //! the output's place before its claim (prepare_run), and no result is taken before the journal and the
  //! run file exist.
  void open_outputs(ChunkScheduler& scheduler) {
    if (!reader_ && !has_collective_tasks()) dispatch(scheduler, 0);
    if (!reader_) journal_.emplace(JournalWriter::create(journal_path(ctx_.output), fresh_header_));
    file_ = ctx_.temp_output.empty() ? results::RunFile::create(ctx_.output)
                                     : results::RunFile::create(ctx_.output, ctx_.temp_output);
    write_provenance(*file_, spec_sha_);
    reducer_ = job_.make_reducer(*file_);
  }

  bool has_collective_tasks() const {
    const auto* collective = dynamic_cast<const jobs::CollectiveTasks*>(&job_);
    return collective != nullptr && !collective->collective_tasks(stage_, stage_input_).empty();
  }

  //! Takes the workers' first requests for work until every worker has sent one (it has built the job)
  //! or kJoinWait has passed, so that stage 0's time (stage_seconds) starts with every rank ready. Any
  //! other message is kept for the stage's loop.
  void wait_for_workers_to_join() {
    const auto deadline = Clock::now() + kJoinWait;
    cluster::Envelope envelope;
    while (!every_worker_joined()) {
      const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
      if (left.count() <= 0 || !transport_.receive(envelope, left)) return;
      if (!is_request(envelope)) {
        early_ = std::move(envelope);
        return;
      }
      take_result(envelope.source);
    }
  }

  bool every_worker_joined() const {
    for (int w = 1; w < transport_.size(); ++w)
      if (!pool_.joined(w)) return false;
    return true;
  }

  //! Whether `envelope` is a worker's request for work (a result of no tasks); decodes it into result_.
  bool is_request(const cluster::Envelope& envelope) {
    if (envelope.tag != cluster::Tag::kResult || envelope.source <= 0 || envelope.source >= transport_.size())
      return false;
    cluster::decode(envelope.bytes, result_);
    return result_.count == 0;
  }

  //! Root attributes `tables` and `table_paths`: the kind's tables, main table first, as
  //! comma-separated names and group paths (readers find a run's tables without knowing its kind).
  void write_table_directory(results::RunFile& file) {
    std::string names, paths;
    for (const jobs::TableInfo& t : job_.kind().tables()) {
      names += (names.empty() ? "" : ",") + t.name;
      paths += (paths.empty() ? "" : ",") + t.path;
    }
    file.set_attribute("/", "tables", names);
    file.set_attribute("/", "table_paths", paths);
  }

  void write_provenance(results::RunFile& file, const std::string& spec_sha) {
    file.set_attribute("/", "tool_version", std::string(build_version()));
    file.set_attribute("/", "git_commit", std::string(build_commit()));
    file.set_attribute("/", "build_target", build_target());
    file.set_attribute("/", "kernel_target", std::string(kernels::kernel_target()));
    file.set_attribute("/", "job_kind", job_.header().kind);
    file.set_attribute("/", "job_name", job_.header().name);
    write_table_directory(file);
    file.set_attribute("/", "spec_path", ctx_.spec_path);
    file.set_attribute("/", "spec_text", ctx_.spec_text);
    file.set_attribute("/", "spec_sha256", spec_sha);
    file.set_attribute("/", "data_file", ctx_.data_file);
    file.set_attribute("/", "data_sha256", ctx_.data_sha256);
    file.set_attribute("/", "seed", static_cast<std::int64_t>(job_.header().seed));
    file.set_attribute("/", "ranks", static_cast<std::int64_t>(ctx_.ranks > 0 ? ctx_.ranks : transport_.size()));
    file.set_attribute("/", "threads", static_cast<std::int64_t>(ctx_.threads));
    file.set_attribute("/", "start_time", utc_now());
  }

  // ---- one stage ----

  void run_stage(std::uint32_t stage) {
    const std::uint64_t n = job_.num_tasks(stage, stage_input_);
    const std::size_t task_bytes = std::max<std::size_t>(1, job_.max_task_values(stage, stage_input_)) * sizeof(double);
    const std::uint64_t window = std::max<std::uint64_t>(1, ctx_.window_bytes / task_bytes);
    const int n_workers = std::max(1, transport_.size() - 1);
    const std::uint64_t max_chunk = std::max<std::uint64_t>(
        1, std::min<std::uint64_t>(ctx_.max_chunk_bytes / task_bytes, window / (2 * n_workers)));
    ChunkScheduler scheduler(n, n_workers, ctx_.chunk, max_chunk, window, ctx_.threads);
    stage_ = stage;
    task_seconds_ = 0.0;  // a stage's tasks may take far longer than the last stage's: expect anew
    pool_.set_depth(ctx_.pipeline_depth);
    journals_stage_ = job_.journals_stage(stage);
    if (!reducer_) open_outputs(scheduler);
    ReorderBuffer reorder(*reducer_, stage,
                          [this](std::uint32_t s, std::uint64_t task, int rank, const std::string& m) {
                            record_failure(s, task, rank, m);
                          });
    replay_journal(stage, scheduler, reorder);
    run_collectives(scheduler, reorder);
    summary_.tasks += n;
    progress_.start_stage(stage, n, reorder.reduced());
    spdlog::info("stage {}: {} tasks on {} worker(s), window {} tasks, max chunk {}", stage, n, n_workers, window,
                 ctx_.chunk > 0 ? ctx_.chunk : max_chunk);

    cluster::Envelope envelope;
    meter_.start_stage();
    if (early_) serve(*std::exchange(early_, std::nullopt), scheduler, reorder, n_workers, n);
    while (reorder.reduced() < n) {
      dispatch(scheduler, reorder.reduced());
      if (transport_.receive(envelope, std::chrono::milliseconds(100)))
        serve(envelope, scheduler, reorder, n_workers, n);
      reissue_lost(scheduler);
      progress_.update(reorder.reduced());
    }
    progress_.finish_stage();
    spdlog::debug("stage {}: rank 0 service: {}", stage, meter_.summary());
  }

  //! One turn of rank 0 for a received message: take the result, hand the worker its next
  //! chunk, and size later guided chunks from what the turns cost so far.
  void serve(const cluster::Envelope& envelope, ChunkScheduler& scheduler, ReorderBuffer& reorder, int n_workers,
             std::uint64_t n_tasks) {
    const auto start = Clock::now();
    handle(envelope, scheduler, reorder);
    dispatch(scheduler, reorder.reduced());  // the reduced prefix may have opened the window
    meter_.turn(seconds_since(start));
    const auto for_load = min_chunk_for_load(n_workers, meter_.cost(), meter_.task_seconds(), kRank0Load);
    scheduler.set_min_chunk(cap_for_tail(for_load, n_tasks, n_workers, kTailParts));
    if (result_.count > 0)
      pool_.set_depth(pipeline_depth_for(task_seconds_ * static_cast<double>(result_.count), kQueuedSeconds,
                                         ctx_.pipeline_depth, kMaxPipelineDepth));
  }

  //! Feeds the journal's chunks of `stage` through the same path as fresh results.
  void replay_journal(std::uint32_t stage, ChunkScheduler& scheduler, ReorderBuffer& reorder) {
    if (!reader_) return;
    for (;;) {
      if (!held_) held_ = reader_->next();
      if (!held_ || held_->chunk.stage != stage) break;
      auto& c = held_->chunk;
      if (!reorder.is_duplicate(c)) {
        scheduler.mark_covered({c.first, c.count});
        summary_.replayed_tasks += c.count;
        reorder.add(std::move(c), held_->rank);
      }
      held_.reset();
    }
    if (held_) return;  // a later stage's chunk: the journal continues past this stage
    if (reader_->torn()) warn_dropped_tail();
    spdlog::info("journal: replayed {} tasks", summary_.replayed_tasks);
    journal_.emplace(JournalWriter::append_to(journal_path(ctx_.output), reader_->valid_end()));
    reader_.reset();
  }

  //! Says what replay left out: a torn last record, or a damaged one and everything after it
  //! (records are only found by walking from the start, so nothing past damage can be trusted).
  void warn_dropped_tail() const {
    std::error_code error;
    const std::uint64_t size = std::filesystem::file_size(journal_path(ctx_.output), error);
    const std::uint64_t dropped = error || size < reader_->valid_end() ? 0 : size - reader_->valid_end();
    if (reader_->torn_last_record())
      spdlog::warn("journal: dropped a torn last record ({} bytes at byte {}); the work it held is redone", dropped,
                   reader_->valid_end());
    else
      spdlog::warn(
          "journal: the record at byte {} is damaged; dropped it and everything after it ({} bytes in "
          "all, more than one record); the work they held is redone",
          reader_->valid_end(), dropped);
  }

  // ---- collective tasks (qg/jobs/collective_tasks.hpp) ----

  //! Runs the stage's collective tasks that the journal does not hold, every rank together;
  //! rank 0's record (or failure) is the task's result.
  void run_collectives(ChunkScheduler& scheduler, ReorderBuffer& reorder) {
    const auto* collective = dynamic_cast<const jobs::CollectiveTasks*>(&job_);
    if (collective == nullptr) return;
    for (const std::uint64_t task : collective->collective_tasks(stage_, stage_input_)) {
      cluster::ChunkResult chunk;
      chunk.stage = stage_;
      chunk.first = task;
      chunk.count = 1;
      chunk.lengths = {0};
      if (reorder.is_duplicate(chunk)) continue;  // replayed from the journal
      spdlog::info("stage {}: task {} on every rank together", stage_, task);
      wait_for_idle_workers();
      for (int w = 1; w < transport_.size(); ++w) assign_collective(w, task);
      const auto start = Clock::now();
      run_own_share(*collective, task, chunk);
      chunk.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      scheduler.mark_covered({task, 1});
      if (journal_ && journals_stage_) journal_->append(chunk, 0);
      reorder.add(std::move(chunk), 0);
    }
  }

  //! Every worker's request for work is in and it holds no chunk: none is computing, none will
  //! send block sums late.
  void wait_for_idle_workers() {
    cluster::Envelope envelope;
    for (;;) {
      bool all = true;
      for (int w = 1; w < transport_.size(); ++w) all = all && pool_.idle(w);
      if (all) return;
      if (transport_.receive(envelope, std::chrono::milliseconds(100))) handle_idle(envelope);
    }
  }

  //! A request for work, or a late answer to a chunk of an earlier stage (handed out twice),
  //! while waiting for idle workers; results of this stage cannot be due.
  void handle_idle(const cluster::Envelope& envelope) {
    if (envelope.tag != cluster::Tag::kResult || envelope.source <= 0 || envelope.source >= transport_.size())
      throw ClusterError("unexpected message from rank " + std::to_string(envelope.source) +
                         " before a collective task");
    cluster::decode(envelope.bytes, result_);
    if (result_.count == 0)
      pool_.join(envelope.source);
    else
      pool_.complete(envelope.source, result_.stage, result_.first, Clock::now());
  }

  void assign_collective(int w, std::uint64_t task) {
    cluster::Assignment a;
    a.stage = stage_;
    a.first = task;
    a.count = 1;
    a.collective = true;
    add_stage_input(w, a);
    send_assignment(w, a);
    pool_.leave(w);  // it asks for work again when its share is done
  }

  //! The stage's input goes with the first assignment of the stage a worker gets.
  void add_stage_input(int w, cluster::Assignment& a) {
    auto& input_stage = input_stage_[static_cast<std::size_t>(w)];
    if (stage_ == 0 || input_stage >= stage_) return;
    a.has_stage_input = true;
    a.stage_input = stage_input_;
    input_stage = stage_;
  }

  void run_own_share(const jobs::CollectiveTasks& collective, std::uint64_t task, cluster::ChunkResult& chunk) {
    worker::TransportBlockReduction reduce(transport_);
    try {
      collective.run_collective(stage_, stage_input_, task, 0, transport_.size(), reduce, chunk.values);
      chunk.lengths = {static_cast<std::uint32_t>(chunk.values.size())};
    } catch (const std::exception& e) {
      chunk.values.clear();
      chunk.errors.push_back({task, e.what()});
    }
  }

  //! Fills the workers' pipelines while the scheduler has chunks: first the workers that wait
  //! for work, then those whose next chunk would be queued behind the one they compute.
  void dispatch(ChunkScheduler& scheduler, std::uint64_t reduced) {
    while (const auto slot = pool_.next_slot()) {
      const auto range = scheduler.next(reduced, slot->position > 0);
      if (!range) return;
      assign(slot->worker, *range);
    }
  }

  void assign(int w, TaskRange range) {
    cluster::Assignment a;
    a.stage = stage_;
    a.first = range.first;
    a.count = range.count;
    add_stage_input(w, a);
    send_assignment(w, a);
    pool_.assign(w, {stage_, range}, Clock::now());
  }

  void send_assignment(int w, const cluster::Assignment& a) {
    const auto start = Clock::now();
    buffer_.clear();
    cluster::encode(a, buffer_);
    transport_.send(w, cluster::Tag::kAssign, buffer_);
    meter_.add(ServiceMeter::Part::kSend, seconds_since(start));
  }

  //! Takes a result: the worker gets its next chunk as soon as the result is decoded, before rank 0
  //! journals and reduces it (a worker with an empty pipeline would otherwise wait for both).
  void handle(const cluster::Envelope& envelope, ChunkScheduler& scheduler, ReorderBuffer& reorder) {
    if (envelope.tag != cluster::Tag::kResult || envelope.source <= 0 || envelope.source >= transport_.size()) {
      spdlog::warn("ignored a message with tag {} from rank {}", static_cast<int>(envelope.tag), envelope.source);
      return;
    }
    auto start = Clock::now();
    cluster::decode(envelope.bytes, result_);
    meter_.add(ServiceMeter::Part::kDecode, seconds_since(start));
    take_result(envelope.source);
    dispatch(scheduler, reorder.reduced());
    if (result_.count == 0 || result_.stage != stage_ || reorder.is_duplicate(result_)) return;
    note_task_time(result_);
    meter_.chunk(result_.count, result_.values.size(), result_.seconds);
    start = Clock::now();
    if (journals_stage_) journal_->append_encoded(envelope.bytes, envelope.source);  // the bytes as received
    meter_.add(ServiceMeter::Part::kJournal, seconds_since(start));
    start = Clock::now();
    reorder.add(std::move(result_), envelope.source);
    meter_.add(ServiceMeter::Part::kReduce, seconds_since(start));
  }

  //! The worker's pipeline after `result_` from `w`: a request (count 0) opens it, a result
  //! frees a place in it. The time out of a chunk that was computing since a known time is metered.
  void take_result(int w) {
    const bool was_lost = pool_.lost(w);
    if (was_lost) spdlog::warn("rank {} answered after it was presumed lost", w);
    if (result_.count == 0) {
      pool_.join(w);
      return;
    }
    const auto began = pool_.complete(w, result_.stage, result_.first, Clock::now());
    if (began && !was_lost && result_.stage == stage_) meter_.out_for(seconds_since(*began), result_.seconds);
  }

  void note_task_time(const cluster::ChunkResult& r) {
    const double per_task = r.seconds / static_cast<double>(r.count);
    task_seconds_ = task_seconds_ == 0.0 ? per_task : 0.9 * task_seconds_ + 0.1 * per_task;
  }

  //! A worker computing its oldest chunk for much longer than expected is presumed lost, and
  //! every chunk it holds (the queued ones too) goes to another worker; whichever answer arrives
  //! first is used (results are deterministic, so both are the same). The expectation comes from
  //! the stage's own chunks (a later stage's tasks may take far longer than an earlier one's).
  //! Until one has come back there is none to exceed, so a slow first chunk is not a lost worker,
  //! unless another worker waits with nothing to do: then only the time-out applies (a stage
  //! whose every chunk went to workers that died must not wait for ever).
  void reissue_lost(ChunkScheduler& scheduler) {
    if (ctx_.worker_timeout <= 0) return;
    bool someone_idle = false;
    for (int w = 1; w < transport_.size(); ++w) someone_idle |= !pool_.lost(w) && pool_.idle(w);
    if (task_seconds_ == 0.0 && !someone_idle) return;
    int alive = 0;
    for (int w = 1; w < transport_.size(); ++w) {
      if (!pool_.lost(w) && !pool_.held(w).empty()) check_alive(w, scheduler);
      alive += pool_.lost(w) ? 0 : 1;
    }
    if (alive == 0) throw ClusterError("every worker is lost; rerun with --resume to continue from the journal");
  }

  void check_alive(int w, ChunkScheduler& scheduler) {
    const TaskRange computing = pool_.held(w).front().range;
    const double expected = 10.0 * task_seconds_ * static_cast<double>(computing.count);
    const double out_for = seconds_since(pool_.computing_since(w));
    if (out_for <= std::max(ctx_.worker_timeout, expected)) return;
    auto chunks = pool_.presume_lost(w);
    std::erase_if(chunks, [&](const HeldChunk& c) { return c.stage != stage_; });  // earlier stages are complete
    spdlog::warn("rank {} has computed tasks {}..{} for {:.1f}s: presumed lost, handing out again: {}", w,
                 computing.first, computing.end() - 1, out_for, chunks.empty() ? "nothing" : describe(chunks));
    for (const HeldChunk& c : chunks) scheduler.requeue(c.range);
    summary_.reissued_chunks += chunks.size();
  }

  // ---- finish ----

  void stop_workers() {
    // A worker still computing a re-issued chunk must deliver it before it can read the stop.
    cluster::Envelope envelope;
    for (int w = 1; w < transport_.size(); ++w) {
      while (!pool_.held(w).empty() && !pool_.lost(w)) {
        if (!transport_.receive(envelope, std::chrono::milliseconds(100))) continue;
        if (envelope.tag != cluster::Tag::kResult || envelope.source <= 0 || envelope.source >= transport_.size())
          continue;
        cluster::decode(envelope.bytes, result_);
        take_result(envelope.source);
      }
    }
    cluster::Assignment stop;                       // count == 0
    stop.rank_lost = summary_.reissued_chunks > 0;  // a rank may be dead: nobody may wait for it
    for (int w = 1; w < transport_.size(); ++w) send_assignment(w, stop);
    const auto stats = transport_.stats();
    spdlog::info("transport: {} messages / {:.1f} MB sent, {} messages / {:.1f} MB received", stats.messages_sent,
                 static_cast<double>(stats.bytes_sent) / 1e6, stats.messages_received,
                 static_cast<double>(stats.bytes_received) / 1e6);
  }

  void record_failure(std::uint32_t stage, std::uint64_t task, int rank, const std::string& message) {
    ++summary_.failed_count;
    if (summary_.failed.size() < kMaxRecordedErrors) summary_.failed.push_back({stage, task, rank, message});
  }

  void write_errors(results::RunFile& file) {
    file.set_attribute("/", "failed_tasks", static_cast<std::int64_t>(summary_.failed_count));
    if (summary_.failed.empty()) return;
    auto& table = file.create_table("/errors", {{"stage", results::ColumnType::kInt64},
                                                {"task", results::ColumnType::kInt64},
                                                {"rank", results::ColumnType::kInt64}});
    std::vector<double> rows;
    std::vector<std::string> messages;
    for (const auto& f : summary_.failed) {
      rows.insert(rows.end(), {double(f.stage), double(f.task), double(f.rank)});
      messages.push_back(f.message);
    }
    table.append(rows);
    file.write_strings("/errors/message", messages);
  }

  const jobs::Job& job_;
  cluster::Transport& transport_;
  const RunContext& ctx_;
  WorkerPool pool_;
  std::vector<std::uint32_t> input_stage_;  // per worker rank: the highest stage whose input it holds
  Progress progress_;
  RunSummary summary_;
  std::uint32_t stage_ = 0;
  std::vector<double> stage_input_;
  std::string spec_sha_;
  std::string fresh_header_;  // the header of the journal a fresh run creates (open_outputs)
  std::unique_ptr<results::RunFile> file_;
  std::unique_ptr<jobs::Reducer> reducer_;
  std::optional<cluster::Envelope> early_;  // a message that came while the first chunks were handed out
  std::optional<JournalWriter> journal_;
  bool journals_stage_ = true;  // whether stage_'s results go to the journal (Job::journals_stage)
  std::optional<JournalReader> reader_;
  std::optional<JournalChunk> held_;
  std::vector<char> buffer_;
  cluster::ChunkResult result_;
  double task_seconds_ = 0.0;
  ServiceMeter meter_;
};

}  // namespace

std::filesystem::path journal_path(const std::filesystem::path& output) {
  return std::filesystem::path(output.string() + ".journal");
}

RunSummary run_coordinator(const jobs::Job& job, cluster::Transport& transport, const RunContext& context) {
  std::unique_ptr<results::RunFile> committed;
  return CoordinatorRun(job, transport, context).run(committed);
}

RunSummary run_coordinator(const jobs::Job& job, cluster::Transport& transport, const RunContext& context,
                           std::unique_ptr<results::RunFile>& committed) {
  return CoordinatorRun(job, transport, context).run(committed);
}

}  // namespace qg::coordinator
