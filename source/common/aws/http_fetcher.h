#pragma once

#include "source/upstream/fetcher.h"

namespace portico::aws {

using upstream::FetchCallback;
using upstream::FetchRequest;
using upstream::FetchResponse;
using upstream::HttpFetcher;

}  // namespace portico::aws
