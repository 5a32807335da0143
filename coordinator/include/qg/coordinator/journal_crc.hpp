#pragma once
// CRC-32 of journal records: the gzip/zlib CRC (reflected polynomial 0xEDB88320), so a record's
// CRC is what zlib's crc32() gives. journal_crc folds 64 bytes at a time with carry-less
// multiplication (PCLMULQDQ, where the CPU has it: every x86-64-v3 CPU does) and hands the last
// bytes to zlib; on a dispatch-bound run it computes one ~900-byte record per chunk on rank 0,
// where zlib's table-driven loop took about 0.5 us.
#include <cstdint>
#include <span>

namespace qg::coordinator {

//! The CRC of `bytes` continuing from `crc` (0 to start): journal_crc(journal_crc(0, a), b) is
//! the CRC of a then b. Pure.
std::uint32_t journal_crc(std::uint32_t crc, std::span<const char> bytes);

//! Plain bit-by-bit reference of journal_crc. Never optimized; journal_crc is tested against it.
std::uint32_t journal_crc_ref(std::uint32_t crc, std::span<const char> bytes);

}  // namespace qg::coordinator
