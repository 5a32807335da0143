// L2 logistic regression (linear_model.hpp), solved in two ways that reach the same optimum.
//
// The bound iteration (fit_logistic_design), used first: every sample's curvature
// s (1 - s) is at most 1/4, so B = C/4 xt'xt + diag(1, .., 1, 0) bounds the Hessian everywhere
// (Böhning and Lindsay 1988) and the step w <- w - B^-1 g(w) decreases the objective at every
// iterate without a line search. B does not depend on w: it is the Newton matrix at b = 0,
// built from the C-independent LogisticStart and factorised once per fit. An iteration is one
// blocked pass over the design for the gradient (logistic_gradient.hpp): no Hessian, no
// objective, no log. On features of near-unpredictable returns the probabilities stay near 1/2,
// B is close to the Hessian at the optimum and the gradient shrinks by a factor of 10 or more per
// iteration. From the second step on, the step is stretched by the secant estimate of how much B
// overstates the curvature along the previous step (s'Bs / s'dg, in [1, 4]): a quarter fewer
// passes on the benchmark's folds. When the gradient shrinks slowly (probabilities near 0 or 1:
// separable data, a large C), or after kMaxBoundSteps, the fit is made again by Newton's method
// from b = 0.
//
// Newton's method (fit_logistic_newton_design), with a backtracking line search: the objective
// is strictly convex (the penalty), so Newton converges quadratically near the optimum. Each
// Newton step costs one product xt w, one exp and one log per sample when the full step is
// accepted (the usual case): the trial point's scores and exponentials serve the next
// gradient, and the current objective is carried from the accepted trial (at b = 0 it is
// C n log 2, not evaluated). The Hessian (the dominant O(n p^2) term) is formed only when the
// gradient is not yet small enough, and the first one, at b = 0, is C/4 xt'xt from the
// C-independent LogisticStart. The per-sample functions run four samples at a time: exp and
// the sigmoid on Eigen's packet math, log on libmvec's (vector_log.hpp; the log enters the
// objective only, that is the line search's acceptance test, never the gradient or the
// Hessian).
//
// Both stop at a gradient norm of kRelativeTolerance times the norm at b = 0. The design
// xt = [x, 1] is read, never copied: a cross-validation fold builds it once for every C.
#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

#include "qg/core/error.hpp"
#include "qg/kernels/ml/fit_blocks.hpp"
#include "qg/kernels/ml/linear_model.hpp"
#include "qg/kernels/ml/logistic_gradient.hpp"
#include "vector_log.hpp"

namespace qg::kernels::ml {
namespace {

constexpr int kMaxNewtonSteps = 100;
constexpr int kMaxHalvings = 60;
//! The bound iteration gives up after this many steps, or when from step kSlowAfter on a step
//! leaves more than kSlowRatio of the gradient's norm (Newton then needs fewer passes).
constexpr int kMaxBoundSteps = 40;
//! The bound iteration converges linearly: it stops at 1/100 of kRelativeTolerance, where the
//! coefficients are about as exact as Newton's quadratic last step leaves them (1e-12 and better
//! on the closed forms of the tests) at one or two more passes.
constexpr double kBoundTolerance = kRelativeTolerance / 100;
//! The largest factor a bound step is stretched by (a sample's curvature s (1 - s) would have to
//! average below 1/16 along the step for the secant to ask for more).
constexpr double kMaxStretch = 4.0;
constexpr int kSlowAfter = 3;
constexpr double kSlowRatio = 0.5;

//! A point of the iteration: w, its linear scores z = xt w, e_i = exp(-|z_i|) and the objective.
//! The line search evaluates its trial point into one of these; the accepted trial becomes the
//! next iterate, whose derivatives reuse its z and e (no second product, no second exp).
struct Point {
  Eigen::VectorXd w, z, e;
  double f = 0;
};

//! The problem with the intercept as the last coefficient: xt = [x, 1] (the caller's).
struct Problem {
  Eigen::Ref<const Eigen::MatrixXd> xt;
  Eigen::Ref<const Eigen::VectorXd> y;
  double c;
  Eigen::ArrayXd prob;           // sigmoid(z) at the last gradient()
  mutable Eigen::ArrayXd log_u;  // scratch of evaluate()

  //! Fills z, e and f of a point whose w is set, four samples per instruction: e = exp(-|z|),
  //! softplus(z) = max(z, 0) + log1p(e) with log1p(e) = e log(u) / (u - 1), u = 1 + e (exact
  //! to a few ulps; e when u rounds to 1).
  void evaluate(Point& pt) const {
    pt.z.noalias() = xt * pt.w;
    const auto z = pt.z.array();
    pt.e = (-z.abs()).exp();
    const auto e = pt.e.array();
    const Eigen::ArrayXd u = 1.0 + e;
    log_u = u;
    log_in_place({log_u.data(), static_cast<std::size_t>(log_u.size())});
    const Eigen::ArrayXd log1p_e = (u == 1.0).select(e, e * log_u / (u - 1.0));
    const double loss = (z.max(0.0) + log1p_e - y.array() * z).sum();
    const auto p = pt.w.size() - 1;
    pt.f = c * loss + 0.5 * pt.w.head(p).squaredNorm();
  }

  //! Gradient at an evaluated point; sigmoid(z) = 1 / (1 + e) for z >= 0, else e / (1 + e). Keeps
  //! the probabilities for hessian().
  void gradient(const Point& pt, Eigen::VectorXd& g) {
    const auto e = pt.e.array();
    prob = (pt.z.array() >= 0.0).select(1.0, e) / (1.0 + e);
    const Eigen::VectorXd resid = (prob - y.array()).matrix();
    const auto p = pt.w.size() - 1;
    g.noalias() = c * (xt.transpose() * resid);
    g.head(p) += pt.w.head(p);
  }

  //! Hessian at the point of the last gradient() (needed only when that gradient is not yet small).
  void hessian(Eigen::MatrixXd& h) const {
    const Eigen::ArrayXd weight = (c * prob * (1.0 - prob)).sqrt();
    const Eigen::MatrixXd wx = weight.matrix().asDiagonal() * xt;
    h = Eigen::MatrixXd::Zero(xt.cols(), xt.cols());
    h.selfadjointView<Eigen::Lower>().rankUpdate(wx.transpose());
    h.diagonal().head(xt.cols() - 1).array() += 1.0;
  }
};

//! Backtracking from the full Newton step: the first t = 1, 1/2, ... whose trial point passes
//! the Armijo test (or changes the objective by rounding only) is evaluated into `trial`.
//! Returns false when none does. The current point's objective is carried, never recomputed.
bool line_search(const Problem& pr, const Point& at, const Eigen::VectorXd& step, double slope, Point& trial) {
  double t = 1.0;
  for (int k = 0; k < kMaxHalvings; ++k, t *= 0.5) {
    trial.w = at.w - t * step;
    pr.evaluate(trial);
    if (trial.f <= at.f - 1e-4 * t * slope || trial.f <= at.f + 1e-13 * std::fabs(at.f)) return true;
  }
  return false;
}

//! KernelError unless xt, y, C and the start describe one problem.
void check_problem(const Eigen::Ref<const Eigen::MatrixXd>& xt, const Eigen::Ref<const Eigen::VectorXd>& y, double c,
                   const LogisticStart& start) {
  if (xt.rows() != y.size() || xt.rows() < 1 || xt.cols() < 1)
    throw KernelError("fit_logistic: x and y must have the same rows (>= 1)");
  if (!(c > 0)) throw KernelError("fit_logistic: C must be positive");
  if (start.gram.rows() != xt.cols() || start.grad.size() != xt.cols())
    throw KernelError("fit_logistic: the start was computed for another number of features");
}

//! The bound matrix C/4 xt'xt + diag(1, .., 1, 0) (lower triangle).
Eigen::MatrixXd bound_matrix(const LogisticStart& start, double c) {
  Eigen::MatrixXd b = (0.25 * c) * start.gram;
  b.diagonal().head(b.rows() - 1).array() += 1.0;
  return b;
}

//! The secant estimate of how much the bound overstates the objective's curvature along the
//! last step s (gradient change dg): s'Bs / s'dg, kept in [1, kMaxStretch]; 1 when s'dg <= 0.
double stretch(const Eigen::MatrixXd& bound, const Eigen::VectorXd& s, const Eigen::VectorXd& dg) {
  const double s_dg = s.dot(dg);
  if (!(s_dg > 0)) return 1.0;
  const double s_b_s = s.dot(bound.selfadjointView<Eigen::Lower>() * s);
  return std::clamp(s_b_s / s_dg, 1.0, kMaxStretch);
}

}  // namespace

double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

LogisticStart logistic_start(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y) {
  if (x.rows() != y.size() || x.rows() < 1) throw KernelError("fit_logistic: x and y must have the same rows (>= 1)");
  return logistic_start_design(logistic_design(x), y);
}

LogisticStart logistic_start_design(const Eigen::Ref<const Eigen::MatrixXd>& xt,
                                    const Eigen::Ref<const Eigen::VectorXd>& y) {
  if (xt.rows() != y.size() || xt.rows() < 1) throw KernelError("fit_logistic: x and y must have the same rows (>= 1)");
  LogisticStart s;
  s.gram = Eigen::MatrixXd::Zero(xt.cols(), xt.cols());
  s.gram.selfadjointView<Eigen::Lower>().rankUpdate(xt.transpose());
  s.grad = xt.transpose() * (0.5 - y.array()).matrix();
  return s;
}

LinearFit fit_logistic(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y,
                       double c) {
  return fit_logistic(x, y, c, logistic_start(x, y));
}

Eigen::MatrixXd logistic_design(const Eigen::Ref<const Eigen::MatrixXd>& x) {
  Eigen::MatrixXd xt(x.rows(), x.cols() + 1);
  xt << x, Eigen::VectorXd::Ones(x.rows());
  return xt;
}

LinearFit fit_logistic(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::VectorXd>& y, double c,
                       const LogisticStart& start) {
  if (x.rows() != y.size() || x.rows() < 1) throw KernelError("fit_logistic: x and y must have the same rows (>= 1)");
  return fit_logistic_design(logistic_design(x), y, c, start);
}

LinearFit fit_logistic_newton_design(const Eigen::Ref<const Eigen::MatrixXd>& xt,
                                     const Eigen::Ref<const Eigen::VectorXd>& y, double c, const LogisticStart& start) {
  check_problem(xt, y, c, start);
  const Eigen::Index p = xt.cols() - 1;  // features; the last column is the intercept's
  Problem pr{xt, y, c, {}, {}};
  Point at, trial;
  at.w = Eigen::VectorXd::Zero(p + 1);
  // At b = 0 every sample's log-loss is log 2 and the penalty 0: no pass over the data. Only the
  // line search reads a point's objective; the first gradient comes from the start.
  at.f = c * (static_cast<double>(xt.rows()) * std::numbers::ln2);
  Eigen::VectorXd g = c * start.grad;  // at b = 0: probabilities 1/2
  Eigen::MatrixXd h = (0.25 * c) * start.gram;
  h.diagonal().head(p).array() += 1.0;
  LinearFit fit;
  const double g0 = g.norm() > 0 ? g.norm() : 1.0;
  for (fit.iterations = 0;; ++fit.iterations) {
    if (fit.iterations > 0) pr.gradient(at, g);
    fit.gradient_norm = g.norm() / g0;
    if (fit.gradient_norm <= kRelativeTolerance) break;
    if (fit.iterations > 0) pr.hessian(h);
    const Eigen::VectorXd step = h.selfadjointView<Eigen::Lower>().ldlt().solve(g);
    if (fit.iterations >= kMaxNewtonSteps || !line_search(pr, at, step, g.dot(step), trial)) {
      fit.converged = false;
      break;
    }
    std::swap(at, trial);
  }
  fit.coef = at.w.head(p);
  fit.intercept = at.w(p);
  return fit;
}

LinearFit fit_logistic_design(const Eigen::Ref<const Eigen::MatrixXd>& xt, const Eigen::Ref<const Eigen::VectorXd>& y,
                              double c, const LogisticStart& start) {
  check_problem(xt, y, c, start);
  const Eigen::Index p = xt.cols() - 1;
  const Eigen::MatrixXd bound = bound_matrix(start, c);
  const auto factor = bound.selfadjointView<Eigen::Lower>().ldlt();
  Eigen::VectorXd w = Eigen::VectorXd::Zero(p + 1);
  Eigen::VectorXd g = c * start.grad;  // at b = 0: probabilities 1/2
  Eigen::VectorXd step, last_g;
  const double g0 = g.norm() > 0 ? g.norm() : 1.0;
  LinearFit fit;
  double previous = g.norm();
  for (fit.iterations = 0;; ++fit.iterations) {
    const double norm = g.norm();
    fit.gradient_norm = norm / g0;
    if (fit.gradient_norm <= kBoundTolerance) break;
    if (fit.iterations >= kMaxBoundSteps || (fit.iterations >= kSlowAfter && norm > kSlowRatio * previous)) {
      LinearFit newton = fit_logistic_newton_design(xt, y, c, start);
      newton.iterations += fit.iterations;
      return newton;
    }
    const double scale = fit.iterations == 0 ? 1.0 : stretch(bound, step, g - last_g);
    previous = norm;
    step = -scale * factor.solve(g);
    last_g = g;
    w += step;
    logistic_gradient(xt, y, w, c, g);
  }
  fit.coef = w.head(p);
  fit.intercept = w(p);
  return fit;
}

}  // namespace qg::kernels::ml
