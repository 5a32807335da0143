#pragma once
// The run journal: an append-only file of completed chunks, so that `quantgrid run --resume`
// after a crash skips finished tasks. Layout: an 8-byte magic, then records of
// [u32 length][u32 CRC-32 of the payload][payload]. The first record is the header text
// (what the journal belongs to); each further record is [i32 rank][encoded ChunkResult].
// A torn or corrupt last record is detected by its length or CRC and dropped.
// Durability: records (and the header) reach the OS within kFlushInterval (100 ms) and the disk
// every kSyncInterval (2 s) of the run, so a killed process loses at most 100 ms of work and a
// power loss at most about 2 s. The writes and syncs run on a thread of their own
// (BackgroundFileWriter): appending a record costs the caller a copy and a CRC. A run shorter than 2 s therefore never
// syncs its journal: its work is cheaper to redo than an fdatasync (10-70 ms on a busy disk). After a power loss in
// those first 2 s the journal may be empty or torn at its header; --resume then refuses it and
// says to delete it (docs/operations.md).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "qg/cluster/messages.hpp"
#include "qg/coordinator/background_file_writer.hpp"

namespace qg::coordinator {

//! A chunk read back from a journal, with the rank that computed it.
struct JournalChunk {
  int rank = 0;
  cluster::ChunkResult chunk;
};

class JournalWriter {
 public:
  //! Creates a new journal (replacing any) whose header is `header`, flushed to the OS (not
  //! synced: the first sync comes with the 2 s interval or sync_before_commit()).
  static JournalWriter create(const std::filesystem::path& path, const std::string& header);
  //! Appends to an existing journal after its last intact record at byte `valid_end`
  //! (truncating a torn tail).
  static JournalWriter append_to(const std::filesystem::path& path, std::uint64_t valid_end);

  JournalWriter(JournalWriter&& other) noexcept = default;
  JournalWriter& operator=(JournalWriter&&) = delete;
  //! Writes the records not written yet (a run that failed keeps its journal for --resume).
  ~JournalWriter() = default;

  //! Appends one chunk. Bytes reach the OS at most `flush_interval` later (a killed process
  //! loses at most that much work), and the disk at the next sync(); the writer's thread writes
  //! them, so a failed write is reported by a later call.
  void append(const cluster::ChunkResult& chunk, int rank);
  //! The same record from the chunk as the transport carried it (cluster::encode of a
  //! ChunkResult, as received): appended without decoding or encoding it again.
  void append_encoded(std::span<const char> encoded_chunk, int rank);
  //! Pushes everything to the OS and waits for it (throws IoError when a write failed).
  void flush();
  //! Pushes everything to the disk (fdatasync) and waits for it.
  void sync();
  //! Before the run file's commit: sync() when the journal is at least one sync interval old,
  //! else flush() only (a short run keeps the same bound of at most 2 s of work lost).
  void sync_before_commit();
  //! Closes and deletes the journal (the run is complete).
  void remove();

 private:
  JournalWriter(int fd, std::filesystem::path path);
  //! Starts a record at the end of the writer's buffer: its length and CRC, to be filled in; the
  //! payload is appended after them.
  void begin_record();
  //! Appends the record's rank field (the head of a chunk record's payload).
  void append_rank(int rank);
  //! Fills in the length and CRC of the record begun last (one pass over its payload).
  void end_record();
  //! end_record(), then hands the buffer to the writer's thread when it is full or the flush
  //! interval has passed (with a sync when the sync interval has).
  void end_chunk_record();

  std::unique_ptr<BackgroundFileWriter> writer_;  // null once removed
  std::filesystem::path path_;
  std::size_t record_start_ = 0;  // where the record being built begins in the writer's buffer
  std::chrono::steady_clock::time_point created_;
  std::chrono::steady_clock::time_point last_flush_;
  std::chrono::steady_clock::time_point last_sync_;
};

//! Reads a journal record by record.
class JournalReader {
 public:
  //! Opens a journal; throws DataError when the file is not a journal.
  explicit JournalReader(const std::filesystem::path& path);
  ~JournalReader();
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;

  const std::string& header() const { return header_; }
  //! The next intact chunk, or nullopt at the end or at the first torn/corrupt record.
  std::optional<JournalChunk> next();
  //! Byte offset just past the last intact record read.
  std::uint64_t valid_end() const { return valid_end_; }
  //! True when reading stopped at a torn or corrupt record rather than the clean end.
  bool torn() const { return torn_; }
  //! True when torn() and the bad record was the last one: it reaches exactly to the end of the
  //! file or past it (a write cut short). False for damage with more bytes after the record.
  bool torn_last_record() const { return torn_ && torn_at_end_; }

 private:
  bool read_record(std::vector<char>& payload);
  //! Marks the record at valid_end_ torn; `length` its declared length (unknown: past the end).
  void mark_torn(std::uint64_t length);

  std::FILE* file_;
  std::filesystem::path path_;
  std::string header_;
  std::vector<char> payload_;
  std::uint64_t valid_end_ = 0;
  bool torn_ = false;
  bool torn_at_end_ = false;
};

}  // namespace qg::coordinator
