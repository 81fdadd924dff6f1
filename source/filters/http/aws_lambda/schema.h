#pragma once

#include "source/config/schema/record_plugin_schema.h"

namespace portico::filters::http::aws_lambda {

// The aws-lambda plugin's config (kong/plugins/aws-lambda/schema.lua).
class AwsLambdaSchema : public config::schema::RecordPluginSchema {
 public:
  static constexpr int kPriority = 750;

  AwsLambdaSchema();
};

}  // namespace portico::filters::http::aws_lambda
