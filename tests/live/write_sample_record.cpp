// Writes one signed approval record, as `quantgrid approve` would, to stdout: numbers that
// %.17g and RFC 8785 write differently, and keys whose UTF-16 order differs from their UTF-8
// order. tests/live/verify_record.py checks it with an independent RFC 8785 encoder and
// Python's `cryptography` Ed25519.
#include <iostream>

#include "qg/live/approval.hpp"
#include "qg/live/keys.hpp"
#include "qg_testing/temp_dir.hpp"

int main() {
  qg::testing::TempDir dir;
  qg::live::generate_keys(dir.path() / "approver", false, false);
  const qg::live::SigningKey key = qg::live::load_signing_key(dir.path() / "approver");
  qg::live::ApprovalDraft d;
  d.strategy = "sma_crossover";
  d.mode = "long_flat";
  d.symbol = "SYM";
  d.params = {{"fast", 5}, {"slow", 20}, {"\xef\xac\xb3", 1e21}, {"\xf0\x9f\x98\x80", 1e-7}};
  d.cost_per_unit = 0.0003;
  d.metrics = {{"sharpe", 0.1}, {"total_return", 333333333.3333333}, {"max_drawdown", 1.0 / 3.0}};
  d.approver_id = "alice";
  d.note = "reviewed \xe2\x82\xac\n\"quoted\"\t\x01";
  d.version = 4;
  d.approved_at = 1795322923;
  d.expires_at = 1795322923 + 3600;
  std::cout << qg::live::encode_signed(qg::live::build_approval(d, key));
  return 0;
}
