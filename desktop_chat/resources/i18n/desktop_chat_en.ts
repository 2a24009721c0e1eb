<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>Accessibility</name>
    <message>
        <source>Server address</source>
        <translation>Server address</translation>
    </message>
    <message>
        <source>The chat server; Enter connects</source>
        <translation>The chat server; Enter connects</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Connect</translation>
    </message>
    <message>
        <source>Connect to the server address</source>
        <translation>Connect to the server address</translation>
    </message>
    <message>
        <source>Reconnect now</source>
        <translation>Reconnect now</translation>
    </message>
    <message>
        <source>Try to connect again now</source>
        <translation>Try to connect again now</translation>
    </message>
    <message>
        <source>Host on another port</source>
        <translation>Host on another port</translation>
    </message>
    <message>
        <source>Run the chat server in this window on a free port</source>
        <translation>Run the chat server in this window on a free port</translation>
    </message>
    <message>
        <source>Go offline</source>
        <translation>Go offline</translation>
    </message>
    <message>
        <source>Disconnect; what you write is kept</source>
        <translation>Disconnect; what you write is kept</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Room</translation>
    </message>
    <message>
        <source>Room to join and send to; empty sends to everyone</source>
        <translation>Room to join and send to; empty sends to everyone</translation>
    </message>
    <message>
        <source>Join room</source>
        <translation>Join room</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Messages</translation>
    </message>
    <message>
        <source>The conversation, newest at the bottom</source>
        <translation>The conversation, newest at the bottom</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Enter sends, Shift+Enter starts a new line</source>
        <translation>Enter sends, Shift+Enter starts a new line</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Send</translation>
    </message>
    <message>
        <source>Send the message</source>
        <translation>Send the message</translation>
    </message>
    <message>
        <source>Sending to</source>
        <translation>Sending to</translation>
    </message>
    <message>
        <source>Connection status</source>
        <translation>Connection status</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Your name</translation>
    </message>
    <message>
        <source>The name others see; Enter changes it</source>
        <translation>The name others see; Enter changes it</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>Conversations</translation>
    </message>
    <message>
        <source>Rooms and everyone, with unread counts</source>
        <translation>Rooms and everyone, with unread counts</translation>
    </message>
    <message>
        <source>Leave the room shown</source>
        <translation>Leave the room shown</translation>
    </message>
    <message>
        <source>Conversation to switch to</source>
        <translation>Conversation to switch to</translation>
    </message>
    <message>
        <source>Matching conversations</source>
        <translation>Matching conversations</translation>
    </message>
    <message>
        <source>Where to search</source>
        <translation>Where to search</translation>
    </message>
    <message>
        <source>Search text</source>
        <translation>Search text</translation>
    </message>
    <message>
        <source>Close the search</source>
        <translation>Close the search</translation>
    </message>
    <message>
        <source>Search results</source>
        <translation>Search results</translation>
    </message>
    <message>
        <source>Number of results</source>
        <translation>Number of results</translation>
    </message>
    <message>
        <source>Server profile</source>
        <translation>Server profile</translation>
    </message>
    <message>
        <source>How this server speaks; another choice reconnects</source>
        <translation>How this server speaks; another choice reconnects</translation>
    </message>
    <message>
        <source>Who is typing</source>
        <translation>Who is typing</translation>
    </message>
    <message>
        <source>Participants</source>
        <translation>Participants</translation>
    </message>
    <message>
        <source>Filter packets by event</source>
        <translation>Filter packets by event</translation>
    </message>
    <message>
        <source>Packet direction</source>
        <translation>Packet direction</translation>
    </message>
    <message>
        <source>Pause the packet list</source>
        <translation>Pause the packet list</translation>
    </message>
    <message>
        <source>Clear the packet list</source>
        <translation>Clear the packet list</translation>
    </message>
    <message>
        <source>Copy the selected packet</source>
        <translation>Copy the selected packet</translation>
    </message>
    <message>
        <source>Save the packets</source>
        <translation>Save the packets</translation>
    </message>
    <message>
        <source>Packets</source>
        <translation>Packets</translation>
    </message>
    <message>
        <source>Event to emit</source>
        <translation>Event to emit</translation>
    </message>
    <message>
        <source>Arguments to emit, as JSON</source>
        <translation>Arguments to emit, as JSON</translation>
    </message>
    <message>
        <source>Expect an acknowledgement</source>
        <translation>Expect an acknowledgement</translation>
    </message>
    <message>
        <source>Emit the event</source>
        <translation>Emit the event</translation>
    </message>
    <message>
        <source>waiting to be sent</source>
        <translation>waiting to be sent</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>sent</translation>
    </message>
    <message>
        <source>delivered</source>
        <translation>delivered</translation>
    </message>
    <message>
        <source>not sent</source>
        <translation>not sent</translation>
    </message>
    <message>
        <source>not sent: %1</source>
        <translation>not sent: %1</translation>
    </message>
    <message>
        <source>discarded</source>
        <translation>discarded</translation>
    </message>
    <message>
        <source>Notice: %1</source>
        <translation>Notice: %1</translation>
    </message>
    <message>
        <source>You</source>
        <translation>You</translation>
    </message>
    <message>
        <source>Someone</source>
        <translation>Someone</translation>
    </message>
    <message>
        <source>%1 in #%2</source>
        <translation>%1 in #%2</translation>
    </message>
    <message>
        <source>file %1, %2</source>
        <translation>file %1, %2</translation>
    </message>
</context>
<context>
    <name>AccountMenu</name>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Hosting for this computer</source>
        <translation>Hosting for this computer</translation>
    </message>
    <message>
        <source>Server: %1…</source>
        <translation>Server: %1…</translation>
    </message>
    <message>
        <source>Server…</source>
        <translation>Server…</translation>
    </message>
    <message>
        <source>Profile: %1</source>
        <translation>Profile: %1</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Profile</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Connect</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>Disconnect</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Settings…</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>Move up</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>Move down</translation>
    </message>
    <message>
        <source>Remove account</source>
        <translation>Remove account</translation>
    </message>
</context>
<context>
    <name>Accounts</name>
    <message>
        <source>connected</source>
        <translation>connected</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>connecting…</translation>
    </message>
    <message>
        <source>reconnecting…</source>
        <translation>reconnecting…</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>%1 on %2 (%3)</source>
        <translation>%1 on %2 (%3)</translation>
    </message>
    <message>
        <source>%1 on %2, %3, unread: %4</source>
        <translation>%1 on %2, %3, unread: %4</translation>
    </message>
</context>
<context>
    <name>AddAccountDialog</name>
    <message>
        <source>Add account</source>
        <translation>Add account</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Server address</translation>
    </message>
    <message>
        <source>Your name there</source>
        <translation>Your name there</translation>
    </message>
    <message>
        <source>How it speaks</source>
        <translation>How it speaks</translation>
    </message>
</context>
<context>
    <name>BodyText</name>
    <message numerus="yes">
        <source>… %n more characters (double-click to see the whole message)</source>
        <translation>
            <numerusform>… %n more character (double-click to see the whole message)</numerusform>
            <numerusform>… %n more characters (double-click to see the whole message)</numerusform>
        </translation>
    </message>
    <message>
        <source>message deleted</source>
        <translation>message deleted</translation>
    </message>
</context>
<context>
    <name>ChatSession</name>
    <message>
        <source>Your local data file could not be read (%1). It was kept as %2 and a new one was started: messages that were waiting to be sent in it are not sent.</source>
        <translation>Your local data file could not be read (%1). It was kept as %2 and a new one was started: messages that were waiting to be sent in it are not sent.</translation>
    </message>
    <message>
        <source>Your message history could not be read ({reason}). It was kept as {path} and a new one was started.</source>
        <translation>Your message history could not be read ({reason}). It was kept as {path} and a new one was started.</translation>
    </message>
    <message>
        <source>This server has no way to leave a room: {room} is hidden here, and the window reconnected without it so that its messages stop.</source>
        <translation>This server has no way to leave a room: {room} is hidden here, and the window reconnected without it so that its messages stop.</translation>
    </message>
    <message>
        <source>A name has 1 to {most} characters; you are still {name}.</source>
        <translation>A name has 1 to {most} characters; you are still {name}.</translation>
    </message>
    <message>
        <source>You are now called {name}.</source>
        <translation>You are now called {name}.</translation>
    </message>
    <message>
        <source>⚠ INSECURE: TLS certificates are not checked · </source>
        <translation>⚠ INSECURE: TLS certificates are not checked · </translation>
    </message>
    <message>
        <source> — INSECURE (--insecure)</source>
        <translation> — INSECURE (--insecure)</translation>
    </message>
    <message>
        <source>A name has 1 to {most} characters.</source>
        <translation>A name has 1 to {most} characters.</translation>
    </message>
    <message>
        <source>Bringing over the messages an earlier version of desktop-chat kept for this server…</source>
        <translation>Bringing over the messages an earlier version of desktop-chat kept for this server…</translation>
    </message>
    <message>
        <source>Warning: --insecure is on. TLS certificates are not checked, so anyone between you and the server can read and change this conversation.</source>
        <translation>Warning: --insecure is on. TLS certificates are not checked, so anyone between you and the server can read and change this conversation.</translation>
    </message>
    <message>
        <source>Nothing was listening at %1, and this window could not host the chat server on 127.0.0.1:%2: %3.</source>
        <translation>Nothing was listening at %1, and this window could not host the chat server on 127.0.0.1:%2: %3.</translation>
    </message>
    <message>
        <source>Nothing was listening at %1, and this window could not host the chat server: %2</source>
        <translation>Nothing was listening at %1, and this window could not host the chat server: %2</translation>
    </message>
    <message>
        <source>The window that hosted the chat server at %1 closed, so this window hosts it now on 127.0.0.1:%2, with the same messages. Everyone reconnects to it.</source>
        <translation>The window that hosted the chat server at %1 closed, so this window hosts it now on 127.0.0.1:%2, with the same messages. Everyone reconnects to it.</translation>
    </message>
    <message>
        <source>Nothing was listening at %1, so this window hosts the chat server on 127.0.0.1:%2. Others on this machine can join it; when this window closes, another of your windows on it takes it over.</source>
        <translation>Nothing was listening at %1, so this window hosts the chat server on 127.0.0.1:%2. Others on this machine can join it; when this window closes, another of your windows on it takes it over.</translation>
    </message>
    <message>
        <source>Nothing was listening at %1, so this window hosts the chat server on 127.0.0.1:%2. Others on this machine can join it; it stops when this window closes.</source>
        <translation>Nothing was listening at %1, so this window hosts the chat server on 127.0.0.1:%2. Others on this machine can join it; it stops when this window closes.</translation>
    </message>
    <message>
        <source>Not connecting: %1. Another program uses this address. Press “Host on another port” to run the chat server in this window on a free port, or enter the address of a chat server at the top.</source>
        <translation>Not connecting: %1. Another program uses this address. Press “Host on another port” to run the chat server in this window on a free port, or enter the address of a chat server at the top.</translation>
    </message>
    <message>
        <source>Not a Socket.IO server at %1 — not connected</source>
        <translation>Not a Socket.IO server at %1 — not connected</translation>
    </message>
    <message>
        <source>Could not start the chat server on a free port.</source>
        <translation>Could not start the chat server on a free port.</translation>
    </message>
</context>
<context>
    <name>ComposeBar</name>
    <message>
        <source>Cancel (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Editing your message (Enter saves, Esc cancels)</source>
        <translation>Editing your message (Enter saves, Esc cancels)</translation>
    </message>
    <message>
        <source>yourself</source>
        <translation>yourself</translation>
    </message>
    <message>
        <source>Replying to %1: %2</source>
        <translation>Replying to %1: %2</translation>
    </message>
    <message>
        <source>This server cannot carry edits, deletions or reactions; only replies, as quoted text.</source>
        <translation>This server cannot carry edits, deletions or reactions; only replies, as quoted text.</translation>
    </message>
    <message>
        <source>The message answered is no longer kept here.</source>
        <translation>The message answered is no longer kept here.</translation>
    </message>
</context>
<context>
    <name>ConversationListModel</name>
    <message>
        <source>private room</source>
        <translation>private room</translation>
    </message>
    <message numerus="yes">
        <source>%n unread message(s)</source>
        <translation>
            <numerusform>%n unread message</numerusform>
            <numerusform>%n unread messages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n mention(s)</source>
        <translation>
            <numerusform>%n mention</numerusform>
            <numerusform>%n mentions</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Conversations</name>
    <message>
        <source>Everyone</source>
        <translation>Everyone</translation>
    </message>
    <message>
        <source>This server does not say which room a message comes from: messages from others are shown in the conversation of the last room joined ({room}).</source>
        <translation>This server does not say which room a message comes from: messages from others are shown in the conversation of the last room joined ({room}).</translation>
    </message>
</context>
<context>
    <name>Desktop</name>
    <message>
        <source>Some settings could not be read (%1); defaults are used instead.</source>
        <translation>Some settings could not be read (%1); defaults are used instead.</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Open</translation>
    </message>
</context>
<context>
    <name>EmojiPicker</name>
    <message>
        <source>Search emoji</source>
        <translation>Search emoji</translation>
    </message>
    <message>
        <source>Emoji</source>
        <translation>Emoji</translation>
    </message>
    <message>
        <source>Choose an emoji</source>
        <translation>Choose an emoji</translation>
    </message>
    <message>
        <source>No emoji found</source>
        <translation>No emoji found</translation>
    </message>
</context>
<context>
    <name>ExportText</name>
    <message numerus="yes">
        <source>Exported %n line(s) to %1</source>
        <translation>
            <numerusform>Exported %n line to %1</numerusform>
            <numerusform>Exported %n lines to %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not export to %1: %2</source>
        <translation>Could not export to %1: %2</translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation>Export conversation</translation>
    </message>
    <message>
        <source>Readable page (*.html)</source>
        <translation>Readable page (*.html)</translation>
    </message>
    <message>
        <source>JSON lines, every field (*.jsonl)</source>
        <translation>JSON lines, every field (*.jsonl)</translation>
    </message>
</context>
<context>
    <name>ExportWords</name>
    <message>
        <source>Room</source>
        <translation>Room</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Account</translation>
    </message>
    <message>
        <source>Exported</source>
        <translation>Exported</translation>
    </message>
    <message>
        <source>everyone</source>
        <translation>everyone</translation>
    </message>
    <message>
        <source>system</source>
        <translation>system</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>edited</translation>
    </message>
    <message>
        <source>message deleted</source>
        <translation>message deleted</translation>
    </message>
    <message>
        <source>in reply to {sender}: {text}</source>
        <translation>in reply to {sender}: {text}</translation>
    </message>
    <message>
        <source>in reply to a message not in this export</source>
        <translation>in reply to a message not in this export</translation>
    </message>
    <message>
        <source>not delivered</source>
        <translation>not delivered</translation>
    </message>
    <message>
        <source>desktop-chat: #{room}</source>
        <translation>desktop-chat: #{room}</translation>
    </message>
    <message>
        <source>desktop-chat: everyone</source>
        <translation>desktop-chat: everyone</translation>
    </message>
</context>
<context>
    <name>FileActions</name>
    <message>
        <source>Attach files (you can also drop files here or paste an image)</source>
        <translation>Attach files (you can also drop files here or paste an image)</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>Attach files</translation>
    </message>
    <message>
        <source>Drop the files to send them</source>
        <translation>Drop the files to send them</translation>
    </message>
    <message>
        <source>Save in folder</source>
        <translation>Save in folder</translation>
    </message>
    <message>
        <source>The downloaded file is no longer there; download it again.</source>
        <translation>The downloaded file is no longer there; download it again.</translation>
    </message>
    <message>
        <source>View image</source>
        <translation>View image</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>Save as…</translation>
    </message>
    <message>
        <source>Saved as %1</source>
        <translation>Saved as %1</translation>
    </message>
</context>
<context>
    <name>FileCard</name>
    <message>
        <source>Download</source>
        <translation>Download</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>Show in folder</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Retry</translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation>Not sent</translation>
    </message>
    <message>
        <source>Waiting to upload</source>
        <translation>Waiting to upload</translation>
    </message>
</context>
<context>
    <name>Files</name>
    <message>
        <source>the file is larger than this server takes</source>
        <translation>the file is larger than this server takes</translation>
    </message>
    <message>
        <source>the file that arrived is not the one that was sent (its checksum differs)</source>
        <translation>the file that arrived is not the one that was sent (its checksum differs)</translation>
    </message>
    <message>
        <source>you are not in this room</source>
        <translation>you are not in this room</translation>
    </message>
    <message>
        <source>the file belongs to someone else</source>
        <translation>the file belongs to someone else</translation>
    </message>
    <message>
        <source>the server no longer has this file</source>
        <translation>the server no longer has this file</translation>
    </message>
    <message>
        <source>the server no longer has this upload</source>
        <translation>the server no longer has this upload</translation>
    </message>
    <message>
        <source>too many files at once; try again in a moment</source>
        <translation>too many files at once; try again in a moment</translation>
    </message>
    <message>
        <source>the server cannot store files right now</source>
        <translation>the server cannot store files right now</translation>
    </message>
    <message>
        <source>the server did not accept the token</source>
        <translation>the server did not accept the token</translation>
    </message>
    <message>
        <source>the server did not accept the permission</source>
        <translation>the server did not accept the permission</translation>
    </message>
    <message>
        <source>the permission expired</source>
        <translation>the permission expired</translation>
    </message>
    <message>
        <source>the file cannot be read</source>
        <translation>the file cannot be read</translation>
    </message>
    <message>
        <source>the server could not be reached</source>
        <translation>the server could not be reached</translation>
    </message>
    <message>
        <source>this server takes no files</source>
        <translation>this server takes no files</translation>
    </message>
    <message>
        <source>the file could not be written to the disk</source>
        <translation>the file could not be written to the disk</translation>
    </message>
    <message>
        <source>the file could not be saved in that folder</source>
        <translation>the file could not be saved in that folder</translation>
    </message>
    <message>
        <source>the file changed on the disk before it was sent</source>
        <translation>the file changed on the disk before it was sent</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>cancelled</translation>
    </message>
    <message>
        <source>This file is too large: this server takes files up to %1 MB.</source>
        <translation>This file is too large: this server takes files up to %1 MB.</translation>
    </message>
    <message>
        <source>This file cannot be read (it is missing, a folder, or not yours).</source>
        <translation>This file cannot be read (it is missing, a folder, or not yours).</translation>
    </message>
    <message>
        <source>This file is empty.</source>
        <translation>This file is empty.</translation>
    </message>
    <message>
        <source>This file cannot be sent (%1).</source>
        <translation>This file cannot be sent (%1).</translation>
    </message>
    <message>
        <source>error %1</source>
        <translation>error %1</translation>
    </message>
    <message>
        <source>Upload failed: %1</source>
        <translation>Upload failed: %1</translation>
    </message>
    <message>
        <source>Download failed: %1</source>
        <translation>Download failed: %1</translation>
    </message>
    <message>
        <source>This server cannot carry files: only text can be sent here.</source>
        <translation>This server cannot carry files: only text can be sent here.</translation>
    </message>
    <message>
        <source>%1 was not sent: %2</source>
        <translation>%1 was not sent: %2</translation>
    </message>
    <message>
        <source>uploading, %1 %</source>
        <translation>uploading, %1 %</translation>
    </message>
    <message>
        <source>downloading, %1 %</source>
        <translation>downloading, %1 %</translation>
    </message>
    <message>
        <source>Pasted image %1</source>
        <translation>Pasted image %1</translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <source>Image</source>
        <translation>Image</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Fit</translation>
    </message>
    <message>
        <source>Fit the image to the window (Ctrl+0)</source>
        <translation>Fit the image to the window (Ctrl+0)</translation>
    </message>
    <message>
        <source>1:1</source>
        <translation>1:1</translation>
    </message>
    <message>
        <source>Actual size (Ctrl+1)</source>
        <translation>Actual size (Ctrl+1)</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>Zoom in</translation>
    </message>
    <message>
        <source>Zoom in (+, Ctrl+wheel)</source>
        <translation>Zoom in (+, Ctrl+wheel)</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>Zoom out</translation>
    </message>
    <message>
        <source>Zoom out (-, Ctrl+wheel)</source>
        <translation>Zoom out (-, Ctrl+wheel)</translation>
    </message>
</context>
<context>
    <name>Images</name>
    <message>
        <source>This file is not an image that can be shown.</source>
        <translation>This file is not an image that can be shown.</translation>
    </message>
    <message>
        <source>This image is too large to open safely (%1 × %2 pixels).</source>
        <translation>This image is too large to open safely (%1 × %2 pixels).</translation>
    </message>
    <message>
        <source>This image is too large to open safely.</source>
        <translation>This image is too large to open safely.</translation>
    </message>
    <message>
        <source>This image is damaged and cannot be shown.</source>
        <translation>This image is damaged and cannot be shown.</translation>
    </message>
</context>
<context>
    <name>Inspector</name>
    <message>
        <source>Packets</source>
        <translation>Packets</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>Inspector</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>Not connected: nothing was emitted.</source>
        <translation>Not connected: nothing was emitted.</translation>
    </message>
    <message>
        <source>Save packets as JSON lines</source>
        <translation>Save packets as JSON lines</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl)</source>
        <translation>JSON lines (*.jsonl)</translation>
    </message>
    <message>
        <source>Could not save to %1: %2</source>
        <translation>Could not save to %1: %2</translation>
    </message>
</context>
<context>
    <name>InspectorPanel</name>
    <message>
        <source>Name the event to emit.</source>
        <translation>Name the event to emit.</translation>
    </message>
    <message>
        <source>%1 is reserved by Socket.IO and cannot be emitted.</source>
        <translation>%1 is reserved by Socket.IO and cannot be emitted.</translation>
    </message>
    <message>
        <source>The arguments are not JSON: %1</source>
        <translation>The arguments are not JSON: %1</translation>
    </message>
    <message>
        <source>Filter by event</source>
        <translation>Filter by event</translation>
    </message>
    <message>
        <source>In and out</source>
        <translation>In and out</translation>
    </message>
    <message>
        <source>In</source>
        <translation>In</translation>
    </message>
    <message>
        <source>Out</source>
        <translation>Out</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Resume</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Stop adding packets to the list (those meanwhile are not kept)</source>
        <translation>Stop adding packets to the list (those meanwhile are not kept)</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>Copy the selected packet as JSON</source>
        <translation>Copy the selected packet as JSON</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>Save…</translation>
    </message>
    <message>
        <source>Save what is in the list as JSON lines</source>
        <translation>Save what is in the list as JSON lines</translation>
    </message>
    <message>
        <source>event</source>
        <translation>event</translation>
    </message>
    <message>
        <source>JSON arguments, e.g. [&quot;hello&quot;, {&quot;to&quot;: &quot;bob&quot;}]</source>
        <translation>JSON arguments, e.g. [&quot;hello&quot;, {&quot;to&quot;: &quot;bob&quot;}]</translation>
    </message>
    <message>
        <source>expect ack</source>
        <translation>expect ack</translation>
    </message>
    <message>
        <source>Emit</source>
        <translation>Emit</translation>
    </message>
    <message numerus="yes">
        <source>%n older packets not kept (the list keeps %1)</source>
        <translation>
            <numerusform>%n older packet not kept (the list keeps %1)</numerusform>
            <numerusform>%n older packets not kept (the list keeps %1)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>InviteDialog</name>
    <message>
        <source>Account:</source>
        <translation>Account:</translation>
    </message>
    <message>
        <source>Invite to %1</source>
        <translation>Invite to %1</translation>
    </message>
</context>
<context>
    <name>LineActions</name>
    <message>
        <source>Reply</source>
        <translation>Reply</translation>
    </message>
    <message>
        <source>React</source>
        <translation>React</translation>
    </message>
    <message>
        <source>More…</source>
        <translation>More…</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>Insert an emoji</source>
        <translation>Insert an emoji</translation>
    </message>
</context>
<context>
    <name>Link</name>
    <message>
        <source>%1
Click to write to it in your mail program</source>
        <translation>%1
Click to write to it in your mail program</translation>
    </message>
    <message>
        <source>%1
Site: %2
Click to open in your browser</source>
        <translation>%1
Site: %2
Click to open in your browser</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Your name</translation>
    </message>
    <message>
        <source>The name others see on your messages; Enter changes it at once</source>
        <translation>The name others see on your messages; Enter changes it at once</translation>
    </message>
    <message>
        <source>The Socket.IO server to chat on; Enter connects</source>
        <translation>The Socket.IO server to chat on; Enter connects</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Connect</translation>
    </message>
    <message>
        <source>How this server speaks (its events): choosing another reconnects with it</source>
        <translation>How this server speaks (its events): choosing another reconnects with it</translation>
    </message>
    <message>
        <source>Reconnect now</source>
        <translation>Reconnect now</translation>
    </message>
    <message>
        <source>Try to connect now instead of waiting for the next try</source>
        <translation>Try to connect now instead of waiting for the next try</translation>
    </message>
    <message>
        <source>Host on another port</source>
        <translation>Host on another port</translation>
    </message>
    <message>
        <source>Something that is not a chat server uses this address: run the chat server in this window on a free port instead</source>
        <translation>Something that is not a chat server uses this address: run the chat server in this window on a free port instead</translation>
    </message>
    <message>
        <source>Disconnect until you come back online; what you write meanwhile is kept and sent then</source>
        <translation>Disconnect until you come back online; what you write meanwhile is kept and sent then</translation>
    </message>
    <message>
        <source>Write a message (Enter sends, Shift+Enter: new line)</source>
        <translation>Write a message (Enter sends, Shift+Enter: new line)</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Send</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Preview</translation>
    </message>
    <message>
        <source>Show how your message will look when sent (Ctrl+Shift+P)</source>
        <translation>Show how your message will look when sent (Ctrl+Shift+P)</translation>
    </message>
    <message>
        <source>Preview the message</source>
        <translation>Preview the message</translation>
    </message>
    <message>
        <source>How your message will look</source>
        <translation>How your message will look</translation>
    </message>
    <message>
        <source>Sending to room {room}</source>
        <translation>Sending to room {room}</translation>
    </message>
    <message>
        <source>Sending to everyone</source>
        <translation>Sending to everyone</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Opened %1 in your browser</source>
        <translation>Opened %1 in your browser</translation>
    </message>
    <message>
        <source>No browser could open %1</source>
        <translation>No browser could open %1</translation>
    </message>
    <message>
        <source>Open %1</source>
        <translation>Open %1</translation>
    </message>
    <message>
        <source>Copy link address</source>
        <translation>Copy link address</translation>
    </message>
    <message>
        <source>Copy text</source>
        <translation>Copy text</translation>
    </message>
    <message>
        <source>Show whole message</source>
        <translation>Show whole message</translation>
    </message>
    <message>
        <source>Send again</source>
        <translation>Send again</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Discard</translation>
    </message>
    <message>
        <source>Go online</source>
        <translation>Go online</translation>
    </message>
    <message>
        <source>Go offline</source>
        <translation>Go offline</translation>
    </message>
    <message>
        <source>Your name, the server (%1), its profile and Connect</source>
        <translation>Your name, the server (%1), its profile and Connect</translation>
    </message>
    <message>
        <source>Your name, the server, its profile and Connect</source>
        <translation>Your name, the server, its profile and Connect</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>an earlier message (click to show it)</source>
        <translation>an earlier message (click to show it)</translation>
    </message>
    <message>
        <source>The message answered is gone</source>
        <translation>The message answered is gone</translation>
    </message>
</context>
<context>
    <name>MessageModel</name>
    <message>
        <source>pending</source>
        <translation>pending</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>sent</translation>
    </message>
    <message>
        <source>delivered</source>
        <translation>delivered</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>failed</translation>
    </message>
    <message>
        <source>discarded, not sent</source>
        <translation>discarded, not sent</translation>
    </message>
    <message>
        <source>edited at %1</source>
        <translation>edited at %1</translation>
    </message>
    <message>
        <source>{name}, from connection {sid}</source>
        <translation>{name}, from connection {sid}</translation>
    </message>
    <message>
        <source>You</source>
        <translation>You</translation>
    </message>
    <message>
        <source>Someone</source>
        <translation>Someone</translation>
    </message>
    <message>
        <source>in #%1</source>
        <translation>in #%1</translation>
    </message>
    <message>
        <source>to everyone</source>
        <translation>to everyone</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>edited</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>failed: %1</translation>
    </message>
    <message>
        <source>New messages</source>
        <translation>New messages</translation>
    </message>
</context>
<context>
    <name>NoticeText</name>
    <message>
        <source>You connected with id : %1</source>
        <translation>You connected with id : %1</translation>
    </message>
    <message>
        <source>You went offline.</source>
        <translation>You went offline.</translation>
    </message>
    <message>
        <source>Disconnected from the server.</source>
        <translation>Disconnected from the server.</translation>
    </message>
    <message>
        <source>Sending failed (%1); reconnecting.</source>
        <translation>Sending failed (%1); reconnecting.</translation>
    </message>
    <message>
        <source>The server did not accept that name and password or token.</source>
        <translation>The server did not accept that name and password or token.</translation>
    </message>
    <message>
        <source>Your sign-in was taken back; sign in again.</source>
        <translation>Your sign-in was taken back; sign in again.</translation>
    </message>
    <message>
        <source>Too many sign-in attempts; waiting a minute before trying again.</source>
        <translation>Too many sign-in attempts; waiting a minute before trying again.</translation>
    </message>
    <message>
        <source>This server needs you to sign in.</source>
        <translation>This server needs you to sign in.</translation>
    </message>
    <message>
        <source>You were signed out by the server (your token was replaced, your password changed or your account removed). Sign in again to go on.</source>
        <translation>You were signed out by the server (your token was replaced, your password changed or your account removed). Sign in again to go on.</translation>
    </message>
    <message>
        <source>You are a member of the private room %1.</source>
        <translation>You are a member of the private room %1.</translation>
    </message>
    <message>
        <source>You were removed from the private room %1. What you saw of it stays in your history on this computer.</source>
        <translation>You were removed from the private room %1. What you saw of it stays in your history on this computer.</translation>
    </message>
    <message>
        <source>The server refused the connection: “%1”</source>
        <translation>The server refused the connection: “%1”</translation>
    </message>
    <message>
        <source>Connection refused: nothing is listening at this address.</source>
        <translation>Connection refused: nothing is listening at this address.</translation>
    </message>
    <message>
        <source>Unknown host: the server&apos;s name cannot be resolved.</source>
        <translation>Unknown host: the server&apos;s name cannot be resolved.</translation>
    </message>
    <message>
        <source>The server&apos;s TLS certificate is not trusted (%1). Trust its CA with --ca-file, or skip the check with --insecure.</source>
        <translation>The server&apos;s TLS certificate is not trusted (%1). Trust its CA with --ca-file, or skip the check with --insecure.</translation>
    </message>
    <message>
        <source>TLS failed: the server does not speak https at this address.</source>
        <translation>TLS failed: the server does not speak https at this address.</translation>
    </message>
    <message>
        <source>The server did not answer in time.</source>
        <translation>The server did not answer in time.</translation>
    </message>
    <message>
        <source>The server took the connection but never answered the Socket.IO connect (its connect handler may have failed).</source>
        <translation>The server took the connection but never answered the Socket.IO connect (its connect handler may have failed).</translation>
    </message>
    <message>
        <source>Connection failed: %1</source>
        <translation>Connection failed: %1</translation>
    </message>
    <message>
        <source>A message was not sent: the server closed the connection each time it was sent (%1 times); it may be too large for it. Its menu can send it again.</source>
        <translation>A message was not sent: the server closed the connection each time it was sent (%1 times); it may be too large for it. Its menu can send it again.</translation>
    </message>
    <message>
        <source>The token was not sent to %1: the connection is not encrypted (http://) and the server is not on this machine, so anyone on the network could read it. Use https://, or --send-token-over-http if you accept that.</source>
        <translation>The token was not sent to %1: the connection is not encrypted (http://) and the server is not on this machine, so anyone on the network could read it. Use https://, or --send-token-over-http if you accept that.</translation>
    </message>
    <message>
        <source>Joined %1. The server says: “%2”</source>
        <translation>Joined %1. The server says: “%2”</translation>
    </message>
    <message>
        <source>Joined %1</source>
        <translation>Joined %1</translation>
    </message>
    <message>
        <source>The server refused your edit: “%1”</source>
        <translation>The server refused your edit: “%1”</translation>
    </message>
    <message>
        <source>The server refused to delete your message: “%1”</source>
        <translation>The server refused to delete your message: “%1”</translation>
    </message>
    <message>
        <source>The server refused your reaction: “%1”</source>
        <translation>The server refused your reaction: “%1”</translation>
    </message>
    <message>
        <source>The server refused the change: “%1”</source>
        <translation>The server refused the change: “%1”</translation>
    </message>
    <message>
        <source>This server cannot carry replies, edits, deletions or reactions, so they are hidden here; a reply is sent as text with the answered line quoted.</source>
        <translation>This server cannot carry replies, edits, deletions or reactions, so they are hidden here; a reply is sent as text with the answered line quoted.</translation>
    </message>
    <message>
        <source>Joined room &apos;%1&apos; (the server did not confirm).</source>
        <translation>Joined room &apos;%1&apos; (the server did not confirm).</translation>
    </message>
    <message>
        <source>Could not join %1: “%2”</source>
        <translation>Could not join %1: “%2”</translation>
    </message>
    <message>
        <source>The %1 profile has no rooms to join.</source>
        <translation>The %1 profile has no rooms to join.</translation>
    </message>
    <message>
        <source>The server started over with a new message store; what it kept before is gone from it. Showing everything it has now.</source>
        <translation>The server started over with a new message store; what it kept before is gone from it. Showing everything it has now.</translation>
    </message>
    <message>
        <source>Some of what was said in the conversation with everyone while you were away is no longer kept by the server (it keeps messages for a limited time); everything it still had is shown.</source>
        <translation>Some of what was said in the conversation with everyone while you were away is no longer kept by the server (it keeps messages for a limited time); everything it still had is shown.</translation>
    </message>
    <message>
        <source>Some of what was said in #%1 while you were away is no longer kept by the server (it keeps messages for a limited time); everything it still had is shown.</source>
        <translation>Some of what was said in #%1 while you were away is no longer kept by the server (it keeps messages for a limited time); everything it still had is shown.</translation>
    </message>
    <message>
        <source>%1 is now called %2</source>
        <translation>%1 is now called %2</translation>
    </message>
    <message>
        <source>An empty message is not sent.</source>
        <translation>An empty message is not sent.</translation>
    </message>
    <message>
        <source>The message is %1 bytes; the server takes at most %2 bytes.</source>
        <translation>The message is %1 bytes; the server takes at most %2 bytes.</translation>
    </message>
    <message>
        <source>The message is %1 bytes as sent (characters outside ASCII take up to 6 bytes each on the wire); the server takes at most %2 bytes.</source>
        <translation>The message is %1 bytes as sent (characters outside ASCII take up to 6 bytes each on the wire); the server takes at most %2 bytes.</translation>
    </message>
    <message>
        <source>The message could not be stored (%1), so it was not sent.</source>
        <translation>The message could not be stored (%1), so it was not sent.</translation>
    </message>
    <message>
        <source>The server address is empty.</source>
        <translation>The server address is empty.</translation>
    </message>
    <message>
        <source>The server address %1 contains spaces.</source>
        <translation>The server address %1 contains spaces.</translation>
    </message>
    <message>
        <source>The server address %1 is malformed: %2.</source>
        <translation>The server address %1 is malformed: %2.</translation>
    </message>
    <message>
        <source>The server address %1 uses %2; only http://, https://, ws:// and wss:// are supported.</source>
        <translation>The server address %1 uses %2; only http://, https://, ws:// and wss:// are supported.</translation>
    </message>
    <message>
        <source>The server address %1 names no host.</source>
        <translation>The server address %1 names no host.</translation>
    </message>
    <message>
        <source>The server address must not contain a user name or password.</source>
        <translation>The server address must not contain a user name or password.</translation>
    </message>
    <message>
        <source>The server address %1 has a path (%2); give the Socket.IO path separately (--path), e.g. /chat/socket.io.</source>
        <translation>The server address %1 has a path (%2); give the Socket.IO path separately (--path), e.g. /chat/socket.io.</translation>
    </message>
    <message>
        <source>The server address %1 has port 0.</source>
        <translation>The server address %1 has port 0.</translation>
    </message>
    <message>
        <source>The Socket.IO path is empty.</source>
        <translation>The Socket.IO path is empty.</translation>
    </message>
</context>
<context>
    <name>NotificationText</name>
    <message>
        <source>everyone</source>
        <translation>everyone</translation>
    </message>
    <message>
        <source>Someone</source>
        <translation>Someone</translation>
    </message>
    <message numerus="yes">
        <source>%n new messages in %1</source>
        <translation>
            <numerusform>%n new message in %1</numerusform>
            <numerusform>%n new messages in %1</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 in %2</source>
        <translation>%1 in %2</translation>
    </message>
</context>
<context>
    <name>PacketModel</name>
    <message>
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>Dir</source>
        <translation>Dir</translation>
    </message>
    <message>
        <source>Namespace</source>
        <translation>Namespace</translation>
    </message>
    <message>
        <source>Event / kind</source>
        <translation>Event / kind</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>Arguments</translation>
    </message>
    <message>
        <source>Ack</source>
        <translation>Ack</translation>
    </message>
    <message>
        <source>Round trip</source>
        <translation>Round trip</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Size</translation>
    </message>
</context>
<context>
    <name>Participants</name>
    <message>
        <source>{name} ({windows} windows)</source>
        <translation>{name} ({windows} windows)</translation>
    </message>
</context>
<context>
    <name>PortProbe</name>
    <message>
        <source>%1 is not a Socket.IO server (%2)</source>
        <translation>%1 is not a Socket.IO server (%2)</translation>
    </message>
    <message>
        <source>%1 is a Socket.IO server</source>
        <translation>%1 is a Socket.IO server</translation>
    </message>
    <message>
        <source>no answer from %1 (%2)</source>
        <translation>no answer from %1 (%2)</translation>
    </message>
</context>
<context>
    <name>PresenceBar</name>
    <message numerus="yes">
        <source>%n participants</source>
        <translation>
            <numerusform>%n participant</numerusform>
            <numerusform>%n participants</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PrivateRoomActions</name>
    <message>
        <source>New private room…</source>
        <translation>New private room…</translation>
    </message>
    <message>
        <source>Invite to %1…</source>
        <translation>Invite to %1…</translation>
    </message>
</context>
<context>
    <name>PrivateRoomDialog</name>
    <message>
        <source>New private room</source>
        <translation>New private room</translation>
    </message>
    <message>
        <source>Room:</source>
        <translation>Room:</translation>
    </message>
    <message>
        <source>Members:</source>
        <translation>Members:</translation>
    </message>
    <message>
        <source>Account names, separated by commas</source>
        <translation>Account names, separated by commas</translation>
    </message>
</context>
<context>
    <name>PrivateRooms</name>
    <message>
        <source>%1 is private already: ask one of its members to invite you.</source>
        <translation>%1 is private already: ask one of its members to invite you.</translation>
    </message>
    <message>
        <source>%1 is a public room in use: pick another name for the private room.</source>
        <translation>%1 is a public room in use: pick another name for the private room.</translation>
    </message>
    <message>
        <source>There is no account named %1 on this server.</source>
        <translation>There is no account named %1 on this server.</translation>
    </message>
    <message>
        <source>Only members of %1 can invite to it.</source>
        <translation>Only members of %1 can invite to it.</translation>
    </message>
    <message>
        <source>Too many at once: wait a moment and try again.</source>
        <translation>Too many at once: wait a moment and try again.</translation>
    </message>
    <message>
        <source>Not connected to the server: try again once connected.</source>
        <translation>Not connected to the server: try again once connected.</translation>
    </message>
    <message>
        <source>This server has no accounts, so it has no private rooms.</source>
        <translation>This server has no accounts, so it has no private rooms.</translation>
    </message>
    <message>
        <source>The server would not do that: check the names and try again.</source>
        <translation>The server would not do that: check the names and try again.</translation>
    </message>
</context>
<context>
    <name>ProfileChoice</name>
    <message>
        <source>Profile not loaded: %1</source>
        <translation>Profile not loaded: %1</translation>
    </message>
    <message>
        <source>There is no profile %1 (--profile); using the remembered one or %2. Profiles: %3.</source>
        <translation>There is no profile %1 (--profile); using the remembered one or %2. Profiles: %3.</translation>
    </message>
</context>
<context>
    <name>ReactionWords</name>
    <message>
        <source>%1 reacted with %2</source>
        <translation>%1 reacted with %2</translation>
    </message>
    <message>
        <source>%1 and %2 reacted with %3</source>
        <translation>%1 and %2 reacted with %3</translation>
    </message>
    <message>
        <source>%1, %2 and %3 reacted with %4</source>
        <translation>%1, %2 and %3 reacted with %4</translation>
    </message>
    <message numerus="yes">
        <source>%1, %2 and %n others reacted with %3</source>
        <translation>
            <numerusform>%1, %2 and %n other reacted with %3</numerusform>
            <numerusform>%1, %2 and %n others reacted with %3</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SearchPanel</name>
    <message>
        <source>Search messages</source>
        <translation>Search messages</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Searching…</translation>
    </message>
    <message>
        <source>All conversations:</source>
        <translation>All conversations:</translation>
    </message>
    <message>
        <source>No messages found</source>
        <translation>No messages found</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) found</source>
        <translation>
            <numerusform>%n message found</numerusform>
            <numerusform>%n messages found</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SearchResultsModel</name>
    <message>
        <source>You</source>
        <translation>You</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>Notice</translation>
    </message>
    <message>
        <source>Someone</source>
        <translation>Someone</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>default transport</source>
        <translation>default transport</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>You and your servers</source>
        <translation>You and your servers</translation>
    </message>
    <message>
        <source>&amp;Display name:</source>
        <translation>&amp;Display name:</translation>
    </message>
    <message>
        <source>Your login name</source>
        <translation>Your login name</translation>
    </message>
    <message>
        <source>Ser&amp;vers used:</source>
        <translation>Ser&amp;vers used:</translation>
    </message>
    <message>
        <source>&amp;Connect to this server</source>
        <translation>&amp;Connect to this server</translation>
    </message>
    <message>
        <source>Accounts in this window</source>
        <translation>Accounts in this window</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>Add…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>Up</source>
        <translation>Up</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>Down</translation>
    </message>
    <message>
        <source>Notifications and tray</source>
        <translation>Notifications and tray</translation>
    </message>
    <message>
        <source>&amp;Notify me of new messages</source>
        <translation>&amp;Notify me of new messages</translation>
    </message>
    <message>
        <source>Do not &amp;disturb</source>
        <translation>Do not &amp;disturb</translation>
    </message>
    <message>
        <source>&amp;Muted rooms:</source>
        <translation>&amp;Muted rooms:</translation>
    </message>
    <message>
        <source>garden, lunch (* for everyone)</source>
        <translation>garden, lunch (* for everyone)</translation>
    </message>
    <message>
        <source>&amp;Keep running in the tray when the window is closed</source>
        <translation>&amp;Keep running in the tray when the window is closed</translation>
    </message>
    <message>
        <source>This desktop has no tray: closing the window quits.</source>
        <translation>This desktop has no tray: closing the window quits.</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>Appearance</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>&amp;Theme:</translation>
    </message>
    <message>
        <source>As the system</source>
        <translation>As the system</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Light</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dark</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Language:</translation>
    </message>
    <message>
        <source>&amp;Font size:</source>
        <translation>&amp;Font size:</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>Default</translation>
    </message>
    <message>
        <source> pt</source>
        <translation> pt</translation>
    </message>
    <message>
        <source>F&amp;ormat my messages (Markdown)</source>
        <translation>F&amp;ormat my messages (Markdown)</translation>
    </message>
    <message>
        <source>Say “You connected with id” (tutorial servers)</source>
        <translation>Say “You connected with id” (tutorial servers)</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>Display name</translation>
    </message>
    <message>
        <source>The name others see</source>
        <translation>The name others see</translation>
    </message>
    <message>
        <source>Servers used</source>
        <translation>Servers used</translation>
    </message>
    <message>
        <source>Servers you have connected to, with their path and transport</source>
        <translation>Servers you have connected to, with their path and transport</translation>
    </message>
    <message>
        <source>Connect to the selected server</source>
        <translation>Connect to the selected server</translation>
    </message>
    <message>
        <source>Say the connection&apos;s id</source>
        <translation>Say the connection&apos;s id</translation>
    </message>
    <message>
        <source>On servers of the tutorial&apos;s profile, each connection adds “You connected with id : …” to Everyone, as the tutorial&apos;s page does</source>
        <translation>On servers of the tutorial&apos;s profile, each connection adds “You connected with id : …” to Everyone, as the tutorial&apos;s page does</translation>
    </message>
    <message>
        <source>Desktop notifications</source>
        <translation>Desktop notifications</translation>
    </message>
    <message>
        <source>Do not disturb</source>
        <translation>Do not disturb</translation>
    </message>
    <message>
        <source>No notifications until turned off</source>
        <translation>No notifications until turned off</translation>
    </message>
    <message>
        <source>Muted rooms</source>
        <translation>Muted rooms</translation>
    </message>
    <message>
        <source>Rooms that never notify, separated by commas</source>
        <translation>Rooms that never notify, separated by commas</translation>
    </message>
    <message>
        <source>Keep running in the tray</source>
        <translation>Keep running in the tray</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Theme</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>Font size</source>
        <translation>Font size</translation>
    </message>
    <message>
        <source>0 uses the desktop&apos;s size</source>
        <translation>0 uses the desktop&apos;s size</translation>
    </message>
    <message>
        <source>Format my messages</source>
        <translation>Format my messages</translation>
    </message>
    <message>
        <source>**bold**, *italic*, ~~struck~~, `code` and [links](https://…) are shown formatted, where the server supports it</source>
        <translation>**bold**, *italic*, ~~struck~~, `code` and [links](https://…) are shown formatted, where the server supports it</translation>
    </message>
</context>
<context>
    <name>ShortcutsHelp</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Keys</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>Join a room…</source>
        <translation>Join a room…</translation>
    </message>
    <message>
        <source>Type a room&apos;s name and press Enter to join it</source>
        <translation>Type a room&apos;s name and press Enter to join it</translation>
    </message>
    <message>
        <source>+</source>
        <translation>+</translation>
    </message>
    <message>
        <source>Join the room named in the field</source>
        <translation>Join the room named in the field</translation>
    </message>
    <message>
        <source>Leave room</source>
        <translation>Leave room</translation>
    </message>
    <message>
        <source>Leave the room shown; its conversation is hidden</source>
        <translation>Leave the room shown; its conversation is hidden</translation>
    </message>
    <message>
        <source>Who is in this conversation now</source>
        <translation>Who is in this conversation now</translation>
    </message>
    <message>
        <source>Add account…</source>
        <translation>Add account…</translation>
    </message>
    <message>
        <source>Chat on another server, or under another name, in this window</source>
        <translation>Chat on another server, or under another name, in this window</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Accounts</translation>
    </message>
    <message>
        <source>Account menu</source>
        <translation>Account menu</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Account</translation>
    </message>
    <message>
        <source>%1 on %2 (%3): server, profile, Connect, Settings</source>
        <translation>%1 on %2 (%3): server, profile, Connect, Settings</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>Sign in…</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Sign out</translation>
    </message>
    <message numerus="yes">
        <source>Here now (%n)</source>
        <translation>
            <numerusform>Here now (%n)</numerusform>
            <numerusform>Here now (%n)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Password:</translation>
    </message>
    <message>
        <source>Sign-in token:</source>
        <translation>Sign-in token:</translation>
    </message>
    <message>
        <source>Paste the token your server&apos;s admin gave you</source>
        <translation>Paste the token your server&apos;s admin gave you</translation>
    </message>
    <message>
        <source>Name and password</source>
        <translation>Name and password</translation>
    </message>
    <message>
        <source>Sign-in token</source>
        <translation>Sign-in token</translation>
    </message>
    <message>
        <source>No keyring answers on this computer, so what you sign in with is not kept: you will be asked again at the next start, unless you keep it in a file.</source>
        <translation>No keyring answers on this computer, so what you sign in with is not kept: you will be asked again at the next start, unless you keep it in a file.</translation>
    </message>
    <message>
        <source>Remember on this computer in a file only I can read</source>
        <translation>Remember on this computer in a file only I can read</translation>
    </message>
    <message>
        <source>%1 did not accept that name and password or token. Check them and try again.</source>
        <translation>%1 did not accept that name and password or token. Check them and try again.</translation>
    </message>
    <message>
        <source>Your sign-in to %1 was taken back (a new token was made, the password changed, or the account removed). Sign in again: ask the admin for the new token.</source>
        <translation>Your sign-in to %1 was taken back (a new token was made, the password changed, or the account removed). Sign in again: ask the admin for the new token.</translation>
    </message>
    <message>
        <source>Too many sign-in attempts at %1. Wait a minute; the window tries again on its own.</source>
        <translation>Too many sign-in attempts at %1. Wait a minute; the window tries again on its own.</translation>
    </message>
    <message>
        <source>%1 asks you to sign in.</source>
        <translation>%1 asks you to sign in.</translation>
    </message>
    <message>
        <source>Paste the sign-in token.</source>
        <translation>Paste the sign-in token.</translation>
    </message>
    <message>
        <source>Type your name and password.</source>
        <translation>Type your name and password.</translation>
    </message>
    <message>
        <source>Signed in. What you signed in with is kept in your desktop&apos;s keyring.</source>
        <translation>Signed in. What you signed in with is kept in your desktop&apos;s keyring.</translation>
    </message>
    <message>
        <source>Signed in. What you signed in with is kept in %1, which only you can read.</source>
        <translation>Signed in. What you signed in with is kept in %1, which only you can read.</translation>
    </message>
    <message>
        <source>Signed in. No keyring answers on this computer, so what you signed in with is not kept: you will be asked again at the next start.</source>
        <translation>Signed in. No keyring answers on this computer, so what you signed in with is not kept: you will be asked again at the next start.</translation>
    </message>
</context>
<context>
    <name>StatusText</name>
    <message>
        <source> · hosting the server on %1</source>
        <translation> · hosting the server on %1</translation>
    </message>
    <message>
        <source>Connected as %1 to %2 over %3</source>
        <translation>Connected as %1 to %2 over %3</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Connecting to %1…</translation>
    </message>
    <message>
        <source>Reconnecting to %1</source>
        <translation>Reconnecting to %1</translation>
    </message>
    <message numerus="yes">
        <source> (next try in %n s)</source>
        <translation>
            <numerusform> (next try in %n s)</numerusform>
            <numerusform> (next try in %n s)</numerusform>
        </translation>
    </message>
    <message>
        <source> (trying again now)</source>
        <translation> (trying again now)</translation>
    </message>
    <message>
        <source>: %1</source>
        <translation>: %1</translation>
    </message>
    <message>
        <source>Offline: you went offline; messages you write are kept</source>
        <translation>Offline: you went offline; messages you write are kept</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source> · hosting the chat here</source>
        <translation> · hosting the chat here</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Connected</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connecting…</translation>
    </message>
    <message numerus="yes">
        <source>Reconnecting in %n s…</source>
        <translation>
            <numerusform>Reconnecting in %n s…</numerusform>
            <numerusform>Reconnecting in %n s…</numerusform>
        </translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>Reconnecting…</translation>
    </message>
    <message>
        <source>%1 joined</source>
        <translation>%1 joined</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>%1 left</translation>
    </message>
    <message>
        <source>%1 is typing…</source>
        <translation>%1 is typing…</translation>
    </message>
    <message>
        <source>%1 and %2 are typing…</source>
        <translation>%1 and %2 are typing…</translation>
    </message>
    <message numerus="yes">
        <source>%1, %2 and %n more are typing…</source>
        <translation>
            <numerusform>%1, %2 and %n more are typing…</numerusform>
            <numerusform>%1, %2 and %n more are typing…</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 and %2 joined</source>
        <translation>%1 and %2 joined</translation>
    </message>
    <message>
        <source>%1 and %2 left</source>
        <translation>%1 and %2 left</translation>
    </message>
    <message numerus="yes">
        <source>%n people joined</source>
        <translation>
            <numerusform>%n person joined</numerusform>
            <numerusform>%n people joined</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n people left</source>
        <translation>
            <numerusform>%n person left</numerusform>
            <numerusform>%n people left</numerusform>
        </translation>
    </message>
    <message>
        <source>Not sent: %1</source>
        <translation>Not sent: %1</translation>
    </message>
    <message>
        <source>Cannot connect: %1</source>
        <translation>Cannot connect: %1</translation>
    </message>
    <message>
        <source>Invalid server address: %1</source>
        <translation>Invalid server address: %1</translation>
    </message>
</context>
<context>
    <name>Switcher</name>
    <message>
        <source>Go to conversation</source>
        <translation>Go to conversation</translation>
    </message>
    <message>
        <source>Conversation name</source>
        <translation>Conversation name</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <source>Hide window</source>
        <translation>Hide window</translation>
    </message>
    <message>
        <source>Show window</source>
        <translation>Show window</translation>
    </message>
    <message>
        <source>Do not disturb</source>
        <translation>Do not disturb</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quit</translation>
    </message>
    <message numerus="yes">
        <source>%n unread message(s)</source>
        <translation>
            <numerusform>%n unread message</numerusform>
            <numerusform>%n unread messages</numerusform>
        </translation>
    </message>
    <message>
        <source>do not disturb</source>
        <translation>do not disturb</translation>
    </message>
</context>
<context>
    <name>WindowActions</name>
    <message>
        <source>&amp;Chat</source>
        <translation>&amp;Chat</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>Go to the server &amp;address</source>
        <translation>Go to the server &amp;address</translation>
    </message>
    <message>
        <source>Go to the &amp;room</source>
        <translation>Go to the &amp;room</translation>
    </message>
    <message>
        <source>Go to the &amp;messages</source>
        <translation>Go to the &amp;messages</translation>
    </message>
    <message>
        <source>&amp;Write a message</source>
        <translation>&amp;Write a message</translation>
    </message>
    <message>
        <source>&amp;Export conversation…</source>
        <translation>&amp;Export conversation…</translation>
    </message>
    <message>
        <source>&amp;Do not disturb</source>
        <translation>&amp;Do not disturb</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Settings…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Keyboard shortcuts</translation>
    </message>
    <message>
        <source>Send the message</source>
        <translation>Send the message</translation>
    </message>
    <message>
        <source>New line in the message</source>
        <translation>New line in the message</translation>
    </message>
    <message>
        <source>Next control</source>
        <translation>Next control</translation>
    </message>
    <message>
        <source>Previous control</source>
        <translation>Previous control</translation>
    </message>
    <message>
        <source>Switch to a conversation by name</source>
        <translation>Switch to a conversation by name</translation>
    </message>
    <message>
        <source>Previous conversation</source>
        <translation>Previous conversation</translation>
    </message>
    <message>
        <source>Next conversation</source>
        <translation>Next conversation</translation>
    </message>
    <message>
        <source>Next conversation with unread messages</source>
        <translation>Next conversation with unread messages</translation>
    </message>
    <message>
        <source>Search this conversation</source>
        <translation>Search this conversation</translation>
    </message>
    <message>
        <source>Search all conversations</source>
        <translation>Search all conversations</translation>
    </message>
    <message>
        <source>Show or hide how your message will look when sent</source>
        <translation>Show or hide how your message will look when sent</translation>
    </message>
    <message>
        <source>Up, Down</source>
        <translation>Up, Down</translation>
    </message>
    <message>
        <source>Previous or next message in the list</source>
        <translation>Previous or next message in the list</translation>
    </message>
    <message>
        <source>In the list: open the message, or send a failed one again</source>
        <translation>In the list: open the message, or send a failed one again</translation>
    </message>
    <message>
        <source>Message menu: copy, links, send again</source>
        <translation>Message menu: copy, links, send again</translation>
    </message>
    <message>
        <source>The menu bar; underlined letters</source>
        <translation>The menu bar; underlined letters</translation>
    </message>
</context>
</TS>
