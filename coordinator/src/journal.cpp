#include "qg/coordinator/journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "qg/coordinator/journal_crc.hpp"
#include "qg/core/error.hpp"

namespace qg::coordinator {
namespace {

constexpr char kMagic[8] = {'Q', 'G', 'J', 'R', 'N', 'L', '0', '1'};
constexpr auto kFlushInterval = std::chrono::milliseconds(100);
constexpr auto kSyncInterval = std::chrono::seconds(2);
constexpr std::uint32_t kMaxRecord = 1u << 30;
constexpr std::size_t kRecordHead = 2 * sizeof(std::uint32_t);  // a record's length and CRC
//! Bytes of records gathered before they go to the writer's thread (unless the flush interval ends first).
constexpr std::size_t kHandOverBytes = std::size_t{1} << 20;

std::string errno_text() { return std::strerror(errno); }

}  // namespace

JournalWriter::JournalWriter(int fd, std::filesystem::path path)
    : writer_(std::make_unique<BackgroundFileWriter>(fd, path, "journal")),
      path_(std::move(path)),
      created_(std::chrono::steady_clock::now()),
      last_flush_(created_),
      last_sync_(created_) {
  writer_->buffer().reserve(kHandOverBytes + (std::size_t{64} << 10));
}

JournalWriter JournalWriter::create(const std::filesystem::path& path, const std::string& header) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError(path.string() + ": cannot create journal: " + errno_text());
  JournalWriter w(fd, path);
  try {
    w.writer_->buffer().assign(kMagic, kMagic + sizeof kMagic);
    w.begin_record();
    w.writer_->buffer().insert(w.writer_->buffer().end(), header.begin(), header.end());
    w.end_record();
    w.flush();  // in the OS now; on the disk with the first sync (the journal's 2 s bound)
  } catch (const IoError&) {
    w.remove();  // it holds no work yet; a torn header would only block the next run
    throw;
  }
  return w;
}

JournalWriter JournalWriter::append_to(const std::filesystem::path& path, std::uint64_t valid_end) {
  if (::truncate(path.c_str(), static_cast<off_t>(valid_end)) != 0)
    throw IoError(path.string() + ": cannot truncate the journal's torn tail: " + errno_text());
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) throw IoError(path.string() + ": cannot open journal for appending: " + errno_text());
  return JournalWriter(fd, path);
}

void JournalWriter::begin_record() {
  std::vector<char>& buffer = writer_->buffer();
  record_start_ = buffer.size();
  buffer.resize(record_start_ + kRecordHead);  // [u32 length][u32 CRC], filled in by end_record()
}

void JournalWriter::end_record() {
  std::vector<char>& buffer = writer_->buffer();
  const auto payload = std::span<const char>(buffer).subspan(record_start_ + kRecordHead);
  const auto length = static_cast<std::uint32_t>(payload.size());
  const std::uint32_t crc = journal_crc(0, payload);
  std::memcpy(buffer.data() + record_start_, &length, sizeof length);
  std::memcpy(buffer.data() + record_start_ + sizeof length, &crc, sizeof crc);
}

void JournalWriter::append(const cluster::ChunkResult& chunk, int rank) {
  begin_record();
  append_rank(rank);
  cluster::encode(chunk, writer_->buffer());
  end_chunk_record();
}

void JournalWriter::append_encoded(std::span<const char> encoded_chunk, int rank) {
  begin_record();
  append_rank(rank);
  std::vector<char>& buffer = writer_->buffer();
  buffer.insert(buffer.end(), encoded_chunk.begin(), encoded_chunk.end());
  end_chunk_record();
}

void JournalWriter::append_rank(int rank) {
  const auto r = static_cast<std::int32_t>(rank);
  const auto* bytes = reinterpret_cast<const char*>(&r);
  std::vector<char>& buffer = writer_->buffer();
  buffer.insert(buffer.end(), bytes, bytes + sizeof r);
}

void JournalWriter::end_chunk_record() {
  end_record();
  const auto now = std::chrono::steady_clock::now();
  const bool sync = now - last_sync_ >= kSyncInterval;
  if (!sync && now - last_flush_ < kFlushInterval && writer_->buffer().size() < kHandOverBytes) return;
  writer_->hand_over(sync);  // the thread writes it while the next records are built
  last_flush_ = now;
  if (sync) last_sync_ = now;
}

void JournalWriter::flush() {
  writer_->hand_over(false);
  writer_->wait();
  last_flush_ = std::chrono::steady_clock::now();
}

void JournalWriter::sync_before_commit() {
  if (std::chrono::steady_clock::now() - created_ >= kSyncInterval) return sync();
  flush();
}

void JournalWriter::sync() {
  writer_->hand_over(true);
  writer_->wait();
  last_flush_ = last_sync_ = std::chrono::steady_clock::now();
}

void JournalWriter::remove() {
  if (writer_ != nullptr) writer_->discard();
  writer_.reset();  // joins the thread and closes the file
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

JournalReader::JournalReader(const std::filesystem::path& path) : path_(path) {
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) throw IoError(path.string() + ": cannot open journal: " + errno_text());
  char magic[sizeof kMagic];
  if (std::fread(magic, 1, sizeof magic, file_) != sizeof magic || std::memcmp(magic, kMagic, sizeof magic) != 0) {
    std::fclose(file_);
    throw DataError(path.string() + ": not a quantgrid journal");
  }
  valid_end_ = sizeof kMagic;
  if (!read_record(payload_)) {
    std::fclose(file_);
    throw DataError(path.string() + ": journal header is torn; delete the journal and rerun without --resume");
  }
  header_.assign(payload_.begin(), payload_.end());
}

JournalReader::~JournalReader() { std::fclose(file_); }

bool JournalReader::read_record(std::vector<char>& payload) {
  std::uint32_t length = 0, crc = 0;
  if (std::fread(&length, sizeof length, 1, file_) != 1) {
    if (!std::feof(file_) || std::ftell(file_) != static_cast<long>(valid_end_)) mark_torn(kMaxRecord);
    return false;
  }
  if (std::fread(&crc, sizeof crc, 1, file_) != 1 || length > kMaxRecord) {
    mark_torn(length > kMaxRecord ? 0 : length);
    return false;
  }
  payload.resize(length);
  if ((length != 0 && std::fread(payload.data(), 1, length, file_) != length) || journal_crc(0, payload) != crc) {
    mark_torn(length);
    return false;
  }
  valid_end_ += sizeof length + sizeof crc + length;
  return true;
}

void JournalReader::mark_torn(std::uint64_t length) {
  torn_ = true;
  std::error_code error;
  const std::uint64_t size = std::filesystem::file_size(path_, error);
  torn_at_end_ = !error && valid_end_ + 2 * sizeof(std::uint32_t) + length >= size;
}

std::optional<JournalChunk> JournalReader::next() {
  if (torn_ || !read_record(payload_)) return std::nullopt;
  JournalChunk out;
  if (payload_.size() < sizeof(std::int32_t)) {
    valid_end_ -= 2 * sizeof(std::uint32_t) + payload_.size();
    mark_torn(payload_.size());
    return std::nullopt;
  }
  std::int32_t rank = 0;
  std::memcpy(&rank, payload_.data(), sizeof rank);
  out.rank = rank;
  try {
    cluster::decode(std::span<const char>(payload_).subspan(sizeof rank), out.chunk);
  } catch (const ClusterError&) {  // CRC matched but the content is not a chunk: treat as corrupt
    valid_end_ -= 2 * sizeof(std::uint32_t) + payload_.size();
    mark_torn(payload_.size());
    return std::nullopt;
  }
  return out;
}

}  // namespace qg::coordinator
