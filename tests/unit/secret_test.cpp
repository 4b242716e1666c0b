// Secret: move-only, comparable in constant time, empty after a move.
#include <gtest/gtest.h>

#include <type_traits>

#include "qdyn/secret.hpp"

namespace qdyn {
namespace {
namespace secret_test {

static_assert(!std::is_copy_constructible_v<Secret>, "a Secret must not be copied by accident");
static_assert(std::is_nothrow_move_constructible_v<Secret>);

TEST(SecretTest, ComparesAndMoves) {
    Secret secret("hunter2");
    EXPECT_TRUE(secret.equals("hunter2"));
    EXPECT_FALSE(secret.equals("hunter3"));
    EXPECT_FALSE(secret.equals("hunter22"));
    Secret moved(std::move(secret));
    EXPECT_TRUE(moved.equals("hunter2"));
    EXPECT_TRUE(secret.empty());  // NOLINT(bugprone-use-after-move): checking the wipe on purpose
    Secret copy = moved.clone();
    EXPECT_EQ(copy.reveal(), "hunter2");
    Secret assigned;
    assigned = std::move(copy);
    EXPECT_EQ(assigned.reveal(), "hunter2");
}

TEST(SecretTest, ConstantTimeEqualsHandlesLengthsAndEmpty) {
    EXPECT_TRUE(constantTimeEquals("", ""));
    EXPECT_FALSE(constantTimeEquals("", "a"));
    EXPECT_TRUE(constantTimeEquals("abc", "abc"));
    EXPECT_FALSE(constantTimeEquals("abc", "abd"));
}

}  // namespace secret_test
}  // namespace
}  // namespace qdyn
