#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "source/common/aws/credential_source.h"

namespace portico::aws {

// The SDKs' default chain walk: sources in order until one gives credentials. kNotFound moves on
// to the next source; any other error ends the walk, because a source that is configured but
// fails must not be silently replaced by a later one. Once a source has answered, later fetches
// (refreshes) go straight to it; if it later reports kNotFound the walk starts over.
class SourceChain : public CredentialSource {
 public:
  explicit SourceChain(std::vector<CredentialSourceSharedPtr> sources);
  void fetch(SourceCallback done) override;
  // The source that answered last, or "chain" before any did.
  std::string name() const override;

 private:
  struct State {
    std::vector<CredentialSourceSharedPtr> sources;
    std::optional<size_t> resolved;
  };
  static void walk(std::shared_ptr<State> state, size_t index, std::string skipped,
                   SourceCallback done);

  const std::shared_ptr<State> state_;
};

}  // namespace portico::aws
