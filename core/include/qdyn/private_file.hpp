// Files replaced whole, atomically and durably, and the refusal of a file of secrets that other
// users may read: one set of rules, each platform's way of keeping them (private_file_posix.cpp,
// private_file_windows.cpp). The profile writer, the file drop, the agent's state and
// qdyn-server's accounts file all write through here.
//
// Windows has access lists where POSIX has modes, and "private" is the twin of mode 0600 in a
// directory whose owner decides who else comes in: the folder's list (what a new file there would
// inherit) without the entries of the groups every user belongs to (Everyone, Users,
// Authenticated Users, Guests, anonymous logons), plus full access for the file's owner, protected
// from later changes of the folder's. Under %ProgramData%, which lets every user read, that keeps
// SYSTEM, the Administrators and whoever the folder names, such as the service's account
// `qdyn service install` lets into %ProgramData%\qdyn. Should the folder's list not be usable, the
// fixed list of the owner, SYSTEM and the Administrators.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>

#include "qdyn/result.hpp"

namespace qdyn {

// Who owns the replacement on POSIX. On Windows the writer owns it, and who may open it is the
// access list's (options below).
enum class ReplacedOwner {
    // Whoever runs the program.
    Writer,
    // Root editing a user's file keeps that user as its owner; should the chown fail, the file is
    // written all the same (root's). Anyone else becomes the owner of what they write.
    KeptByRoot,
    // The old file's owner, whoever writes, so it must be that user or root; a file root makes
    // anew belongs to the owner of its directory (a service's state directory is its user's). A
    // chown that fails is an error, so a file never silently changes hands.
    Kept,
};

// Who may open the result on Windows (POSIX has the modes of FileReplaceOptions).
enum class AccessList {
    // A new file gets its folder's list; an existing file keeps its own.
    Inherited,
    // A file of secrets: a new file gets the private list (the folder's, less everyone's groups);
    // an existing file keeps its own, which may let a service's account in that the writer does
    // not know of.
    PrivateWhenNew,
    // The private list whatever the old file had (the twin of a forced mode 0600).
    Private,
};

struct FileReplaceOptions {
    // POSIX: the mode of a file made anew; an existing file keeps its own.
    unsigned newFileMode = 0600;
    // POSIX: the mode of the result whatever the old file had (`qdyn import --output` makes its
    // file private even over a readable one).
    std::optional<unsigned> forcedMode;
    AccessList accessList = AccessList::PrivateWhenNew;
    // A symlink at the path: true replaces the file it leads to and keeps the link (a profile
    // or accounts file linked from /etc); false replaces the link itself.
    bool followSymlink = true;
    ReplacedOwner owner = ReplacedOwner::Writer;
    // POSIX: the directory is fsynced after the rename (only then is the rename durable); true
    // makes a failure of that an error, false lets it pass (some file systems refuse to fsync a
    // directory). Windows moves the file with MOVEFILE_WRITE_THROUGH instead.
    bool directorySyncRequired = false;
    // Called with the file about to be replaced (the link's target when followed) after it was
    // found to be a regular file or absent, before anything is written: an error stops the
    // replacement and is returned (the profile writer refuses a file changed since it was read).
    std::function<Result<void>(const std::filesystem::path& file)> beforeWrite{};
};

// Replaces `path` by a file holding `content`: a temporary file in the same directory (so the
// rename cannot cross file systems), made with the mode and owner above (Windows: the access
// list above), written whole, flushed to the disk and renamed over the old file, which readers
// therefore see whole or not at all. Refused: a path that is there but is no regular file. On an
// error the temporary file is removed and the old file is as it was.
Result<void> replaceFileAtomically(const std::filesystem::path& path, std::string_view content,
                                   const FileReplaceOptions& options = {});

// Refuses a file that users other than its owner may read or change, since it holds `holds` ("a
// password", "password hashes and TSIG secrets"), naming what is wrong and the command that fixes
// it. POSIX: group or other bits in its mode ("... (mode 0644); fix it with: chmod 600 PATH").
// Windows: an entry of its access list that lets Everyone, Users, Authenticated Users, Guests or
// anonymous logons read or change it, or no access list at all ("...; fix it with: icacls ...").
// A file that cannot be inspected (missing, no right to read its access list) is an error too.
Result<void> checkPrivateFile(const std::filesystem::path& path, std::string_view holds);

// How the user is told that a file was written private (forced mode 0600, AccessList::Private):
// "mode 0600" on POSIX; "private to you" on Windows, where a file has no mode.
std::string_view privateFileWords();

#if defined(_WIN32)
// The private list (SDDL, "D:P...") a file gets in a folder whose new files inherit `folderList`
// (SDDL, "D:..."); an error for text that is no access list. What replaceFileAtomically sets,
// given as text so that tests/windows can check it where files keep no lists of their own (Wine).
Result<std::string> privateAccessListFor(std::string_view folderList);
// Whether an access list (an ACL*; null: none, which lets everyone in) has an allow entry for one
// of the groups every user belongs to: what checkPrivateFile refuses.
bool accessListLetsEveryoneIn(const void* acl);
#endif

}  // namespace qdyn
