#pragma once
// A fixed-capacity ring of the most recent values, the only history a stream keeps.
#include <cstddef>
#include <vector>

namespace qg::kernels::detail {

template <class T>
class Ring {
 public:
  //! Keeps the last `capacity` values pushed (capacity >= 1).
  explicit Ring(std::size_t capacity) : values_(capacity) {}

  void push(T value) {
    head_ = (head_ + 1) % values_.size();
    values_[head_] = value;
    if (size_ < values_.size()) ++size_;
  }
  //! The value pushed `age` pushes ago (0 = the newest). Requires age < size().
  const T& back(std::size_t age) const { return values_[(head_ + values_.size() - age) % values_.size()]; }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return values_.size(); }

 private:
  std::vector<T> values_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace qg::kernels::detail
