#include "source/http/filter_factory.h"

namespace portico::http {

FilterFactoryRegistry& FilterFactoryRegistry::instance() {
  static FilterFactoryRegistry* registry = new FilterFactoryRegistry();
  return *registry;
}

void FilterFactoryRegistry::add(std::unique_ptr<FilterFactory> factory) {
  std::string name(factory->name());
  factories_[name] = std::move(factory);
}

const FilterFactory* FilterFactoryRegistry::find(std::string_view name) const {
  auto it = factories_.find(name);
  return it == factories_.end() ? nullptr : it->second.get();
}

}  // namespace portico::http
