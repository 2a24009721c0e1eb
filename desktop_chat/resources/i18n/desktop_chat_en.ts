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
</context>
<context>
    <name>Desktop</name>
    <message>
        <source>Your settings could not all be read (%1); the defaults are used for the rest.</source>
        <translation>Your settings could not all be read (%1); the defaults are used for the rest.</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Open</translation>
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
        <source>Up, Down</source>
        <translation>Up, Down</translation>
    </message>
    <message>
        <source>Previous or next message in the list</source>
        <translation>Previous or next message in the list</translation>
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
