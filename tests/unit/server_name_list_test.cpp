// NameList: the names one zone edit touches, scanned in place while few, indexed past kScan.
#include <gtest/gtest.h>

#include <string>

#include "qdyn_server/name_list.hpp"
#include "test_values.hpp"

namespace {
namespace server_name_list_test {

using qdyn::server::NameList;
using qdyn::test::name;

TEST(NameList, KeepsEachNameOnceInTheOrderFirstAdded) {
    NameList list;
    EXPECT_TRUE(list.add(name("b.example.test")));
    EXPECT_TRUE(list.add(name("a.example.test")));
    EXPECT_FALSE(list.add(name("B.Example.Test"))) << "names compare case-insensitively";
    ASSERT_EQ(list.size(), 2U);
    EXPECT_EQ(*list.begin(), name("b.example.test"));
    EXPECT_EQ(list.indexOf(name("A.example.test")), 1U);
    EXPECT_FALSE(list.indexOf(name("c.example.test")));
}

TEST(NameList, FindsEveryNameOnceItHasMoreThanItScans) {
    NameList list;
    constexpr std::size_t kCount = NameList::kScan * 3;
    for (std::size_t i = 0; i < kCount; ++i) {
        ASSERT_TRUE(list.add(name("h" + std::to_string(i) + ".example.test")));
    }
    for (std::size_t i = 0; i < kCount; ++i) {
        const auto spelled = name("H" + std::to_string(i) + ".EXAMPLE.test");
        EXPECT_EQ(list.indexOf(spelled), i);
        EXPECT_FALSE(list.add(spelled));
    }
    EXPECT_EQ(list.size(), kCount);
    EXPECT_FALSE(list.indexOf(name("h999.example.test")));
}

}  // namespace server_name_list_test
}  // namespace
