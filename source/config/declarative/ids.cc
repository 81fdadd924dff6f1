#include "source/config/declarative/ids.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <cstdlib>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "source/common/http/percent_encoding.h"

namespace portico::config::declarative {
namespace {

constexpr std::string_view kRootNamespace = "fd02801f-0957-4a15-a55a-c8d9606f30b5";

using UuidBytes = std::array<uint8_t, 16>;

UuidBytes parseUuid(std::string_view text) {
  UuidBytes bytes{};
  size_t out = 0;
  for (size_t i = 0; i + 1 < text.size() && out < bytes.size(); ++i) {
    if (text[i] == '-') {
      continue;
    }
    bytes[out++] =
        static_cast<uint8_t>(http::hexDigitValue(text[i]) << 4 | http::hexDigitValue(text[i + 1]));
    ++i;
  }
  return bytes;
}

std::string formatUuid(const UuidBytes& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      text.push_back('-');
    }
    text.push_back(kHex[bytes[i] >> 4]);
    text.push_back(kHex[bytes[i] & 0xf]);
  }
  return text;
}

// SHA-1 fetched once: EVP_sha1() makes OpenSSL 3 look the implementation up on every use, which
// was most of the cost of deriving 20,000 ids.
const EVP_MD* sha1() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  return md;
}

std::string digest(const EVP_MD* md, std::string_view prefix, std::string_view text) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, md, nullptr);
  EVP_DigestUpdate(ctx, prefix.data(), prefix.size());
  EVP_DigestUpdate(ctx, text.data(), text.size());
  EVP_DigestFinal_ex(ctx, out, &len);
  EVP_MD_CTX_free(ctx);
  return std::string(reinterpret_cast<char*>(out), len);
}

void randomBytes(uint8_t* out, size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) {
    // The OpenSSL CSPRNG only fails when it cannot be seeded; nothing sensible can follow.
    std::abort();
  }
}

}  // namespace

std::string uuid5(std::string_view namespace_uuid, std::string_view name) {
  UuidBytes ns = parseUuid(namespace_uuid);
  std::string hash =
      digest(sha1(), std::string_view(reinterpret_cast<char*>(ns.data()), ns.size()), name);
  UuidBytes bytes;
  for (size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<uint8_t>(hash[i]);
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return formatUuid(bytes);
}

std::string entityUuid(std::string_view entity_table, std::string_view key) {
  // A handful of tables, each with its namespace derived once per thread.
  thread_local absl::flat_hash_map<std::string, std::string> table_namespaces;
  auto [it, inserted] = table_namespaces.try_emplace(std::string(entity_table));
  if (inserted) {
    it->second = uuid5(kRootNamespace, entity_table);
  }
  return uuid5(it->second, key);
}

std::string randomUuid() {
  UuidBytes bytes;
  randomBytes(bytes.data(), bytes.size());
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return formatUuid(bytes);
}

std::string randomAlphanumeric32() {
  std::array<uint8_t, 24> raw;
  randomBytes(raw.data(), raw.size());
  std::string text =
      absl::Base64Escape(absl::string_view(reinterpret_cast<char*>(raw.data()), raw.size()));
  for (char& c : text) {
    if (c == '/' || c == '+') {
      uint8_t pick;
      randomBytes(&pick, 1);
      c = static_cast<char>((c == '/' ? 'A' : 'a') + pick % 26);
    }
  }
  return text;
}

bool isValidUuid(std::string_view text) {
  if (text.size() != 36) {
    return false;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : http::hexDigitValue(text[i]) < 0) {
      return false;
    }
  }
  return true;
}

std::string md5Hex(std::string_view text) {
  return absl::BytesToHexString(digest(EVP_md5(), "", text));
}

}  // namespace portico::config::declarative
