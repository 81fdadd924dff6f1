#include "source/common/aws/source_chain.h"

#include "absl/strings/str_cat.h"

namespace portico::aws {

SourceChain::SourceChain(std::vector<CredentialSourceSharedPtr> sources)
    : state_(std::make_shared<State>()) {
  state_->sources = std::move(sources);
}

std::string SourceChain::name() const {
  return state_->resolved.has_value() ? state_->sources[*state_->resolved]->name() : "chain";
}

void SourceChain::fetch(SourceCallback done) {
  if (!state_->resolved.has_value()) {
    walk(state_, 0, "", std::move(done));
    return;
  }
  const size_t index = *state_->resolved;
  state_->sources[index]->fetch(
      [state = state_, done = std::move(done)](absl::StatusOr<Credentials> result) {
        if (absl::IsNotFound(result.status())) {
          state->resolved.reset();
          walk(state, 0, "", done);
          return;
        }
        done(std::move(result));
      });
}

void SourceChain::walk(std::shared_ptr<State> state, size_t index, std::string skipped,
                       SourceCallback done) {
  if (index == state->sources.size()) {
    done(absl::NotFoundError(absl::StrCat("no AWS credentials found (", skipped, ")")));
    return;
  }
  state->sources[index]->fetch([state, index, skipped = std::move(skipped),
                                done = std::move(done)](absl::StatusOr<Credentials> result) {
    if (absl::IsNotFound(result.status())) {
      walk(state, index + 1,
           absl::StrCat(skipped, skipped.empty() ? "" : "; ", result.status().message()), done);
      return;
    }
    if (result.ok()) {
      state->resolved = index;
    }
    done(std::move(result));
  });
}

}  // namespace portico::aws
