<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>Accessibility</name>
    <message>
        <source>Server address</source>
        <translation>서버 주소</translation>
    </message>
    <message>
        <source>The chat server; Enter connects</source>
        <translation>채팅 서버. Enter를 누르면 연결합니다</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>연결</translation>
    </message>
    <message>
        <source>Connect to the server address</source>
        <translation>서버 주소로 연결</translation>
    </message>
    <message>
        <source>Reconnect now</source>
        <translation>지금 다시 연결</translation>
    </message>
    <message>
        <source>Try to connect again now</source>
        <translation>지금 다시 연결을 시도합니다</translation>
    </message>
    <message>
        <source>Host on another port</source>
        <translation>다른 포트에서 호스팅</translation>
    </message>
    <message>
        <source>Run the chat server in this window on a free port</source>
        <translation>이 창에서 빈 포트로 채팅 서버를 실행합니다</translation>
    </message>
    <message>
        <source>Go offline</source>
        <translation>오프라인으로 전환</translation>
    </message>
    <message>
        <source>Disconnect; what you write is kept</source>
        <translation>연결을 끊습니다. 작성한 메시지는 보관됩니다</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>방</translation>
    </message>
    <message>
        <source>Room to join and send to; empty sends to everyone</source>
        <translation>참가하고 메시지를 보낼 방. 비우면 모두에게 보냅니다</translation>
    </message>
    <message>
        <source>Join room</source>
        <translation>방 참가</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>메시지</translation>
    </message>
    <message>
        <source>The conversation, newest at the bottom</source>
        <translation>대화 내용. 최신 메시지가 맨 아래에 있습니다</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>메시지</translation>
    </message>
    <message>
        <source>Enter sends, Shift+Enter starts a new line</source>
        <translation>Enter: 보내기, Shift+Enter: 줄 바꿈</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>보내기</translation>
    </message>
    <message>
        <source>Send the message</source>
        <translation>메시지 보내기</translation>
    </message>
    <message>
        <source>Sending to</source>
        <translation>받는 곳</translation>
    </message>
    <message>
        <source>Connection status</source>
        <translation>연결 상태</translation>
    </message>
    <message>
        <source>waiting to be sent</source>
        <translation>전송 대기 중</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>보냄</translation>
    </message>
    <message>
        <source>delivered</source>
        <translation>전달됨</translation>
    </message>
    <message>
        <source>not sent: %1</source>
        <translation>보내지 못함: %1</translation>
    </message>
    <message>
        <source>discarded</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <source>Notice: %1</source>
        <translation>알림: %1</translation>
    </message>
    <message>
        <source>You</source>
        <translation>나</translation>
    </message>
    <message>
        <source>Someone</source>
        <translation>누군가</translation>
    </message>
    <message>
        <source>%1 in #%2</source>
        <translation>#%2의 %1</translation>
    </message>
</context>
<context>
    <name>Desktop</name>
    <message>
        <source>Your settings could not all be read (%1); the defaults are used for the rest.</source>
        <translation>설정 일부를 읽지 못했습니다(%1). 나머지는 기본값을 사용합니다.</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>열기</translation>
    </message>
</context>
<context>
    <name>NotificationText</name>
    <message>
        <source>everyone</source>
        <translation>모두</translation>
    </message>
    <message>
        <source>Someone</source>
        <translation>누군가</translation>
    </message>
    <message numerus="yes">
        <source>%n new messages in %1</source>
        <translation>
            <numerusform>%1에 새 메시지 %n개</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 in %2</source>
        <translation>%2의 %1</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>default transport</source>
        <translation>기본 전송 방식</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>You and your servers</source>
        <translation>내 정보와 서버</translation>
    </message>
    <message>
        <source>&amp;Display name:</source>
        <translation>표시 이름(&amp;D):</translation>
    </message>
    <message>
        <source>Your login name</source>
        <translation>로그인 이름</translation>
    </message>
    <message>
        <source>Ser&amp;vers used:</source>
        <translation>사용한 서버(&amp;V):</translation>
    </message>
    <message>
        <source>&amp;Connect to this server</source>
        <translation>이 서버에 연결(&amp;C)</translation>
    </message>
    <message>
        <source>Notifications and tray</source>
        <translation>알림과 트레이</translation>
    </message>
    <message>
        <source>&amp;Notify me of new messages</source>
        <translation>새 메시지 알림 받기(&amp;N)</translation>
    </message>
    <message>
        <source>Do not &amp;disturb</source>
        <translation>방해 금지(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Muted rooms:</source>
        <translation>알림 끈 방(&amp;M):</translation>
    </message>
    <message>
        <source>garden, lunch (* for everyone)</source>
        <translation>garden, lunch (모두는 *)</translation>
    </message>
    <message>
        <source>&amp;Keep running in the tray when the window is closed</source>
        <translation>창을 닫아도 트레이에서 계속 실행(&amp;K)</translation>
    </message>
    <message>
        <source>This desktop has no tray: closing the window quits.</source>
        <translation>이 데스크톱에는 트레이가 없습니다. 창을 닫으면 종료됩니다.</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>모양</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>테마(&amp;T):</translation>
    </message>
    <message>
        <source>As the system</source>
        <translation>시스템 설정대로</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>밝게</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>어둡게</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>언어(&amp;L):</translation>
    </message>
    <message>
        <source>&amp;Font size:</source>
        <translation>글꼴 크기(&amp;F):</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>기본값</translation>
    </message>
    <message>
        <source> pt</source>
        <translation>pt</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>표시 이름</translation>
    </message>
    <message>
        <source>The name others see</source>
        <translation>다른 사람에게 보이는 이름</translation>
    </message>
    <message>
        <source>Servers used</source>
        <translation>사용한 서버</translation>
    </message>
    <message>
        <source>Servers you have connected to, with their path and transport</source>
        <translation>연결했던 서버와 경로, 전송 방식</translation>
    </message>
    <message>
        <source>Connect to the selected server</source>
        <translation>선택한 서버에 연결</translation>
    </message>
    <message>
        <source>Desktop notifications</source>
        <translation>데스크톱 알림</translation>
    </message>
    <message>
        <source>Do not disturb</source>
        <translation>방해 금지</translation>
    </message>
    <message>
        <source>No notifications until turned off</source>
        <translation>끌 때까지 알림을 표시하지 않습니다</translation>
    </message>
    <message>
        <source>Muted rooms</source>
        <translation>알림 끈 방</translation>
    </message>
    <message>
        <source>Rooms that never notify, separated by commas</source>
        <translation>알림을 받지 않을 방. 쉼표로 구분합니다</translation>
    </message>
    <message>
        <source>Keep running in the tray</source>
        <translation>트레이에서 계속 실행</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>테마</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>언어</translation>
    </message>
    <message>
        <source>Font size</source>
        <translation>글꼴 크기</translation>
    </message>
    <message>
        <source>0 uses the desktop&apos;s size</source>
        <translation>0이면 데스크톱 크기를 씁니다</translation>
    </message>
</context>
<context>
    <name>ShortcutsHelp</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>단축키</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>키</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>동작</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <source>Hide window</source>
        <translation>창 숨기기</translation>
    </message>
    <message>
        <source>Show window</source>
        <translation>창 보이기</translation>
    </message>
    <message>
        <source>Do not disturb</source>
        <translation>방해 금지</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>종료</translation>
    </message>
    <message numerus="yes">
        <source>%n unread message(s)</source>
        <translation>
            <numerusform>읽지 않은 메시지 %n개</numerusform>
        </translation>
    </message>
    <message>
        <source>do not disturb</source>
        <translation>방해 금지</translation>
    </message>
</context>
<context>
    <name>WindowActions</name>
    <message>
        <source>&amp;Chat</source>
        <translation>채팅(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <source>Go to the server &amp;address</source>
        <translation>서버 주소로 이동(&amp;A)</translation>
    </message>
    <message>
        <source>Go to the &amp;room</source>
        <translation>방으로 이동(&amp;R)</translation>
    </message>
    <message>
        <source>Go to the &amp;messages</source>
        <translation>메시지 목록으로 이동(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Write a message</source>
        <translation>메시지 쓰기(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Do not disturb</source>
        <translation>방해 금지(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>설정(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>종료(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>단축키(&amp;K)</translation>
    </message>
    <message>
        <source>Send the message</source>
        <translation>메시지 보내기</translation>
    </message>
    <message>
        <source>New line in the message</source>
        <translation>메시지에서 줄 바꿈</translation>
    </message>
    <message>
        <source>Next control</source>
        <translation>다음 항목</translation>
    </message>
    <message>
        <source>Previous control</source>
        <translation>이전 항목</translation>
    </message>
    <message>
        <source>Up, Down</source>
        <translation>위, 아래</translation>
    </message>
    <message>
        <source>Previous or next message in the list</source>
        <translation>목록의 이전 또는 다음 메시지</translation>
    </message>
    <message>
        <source>Message menu: copy, links, send again</source>
        <translation>메시지 메뉴: 복사, 링크, 다시 보내기</translation>
    </message>
    <message>
        <source>The menu bar; underlined letters</source>
        <translation>메뉴 막대. 밑줄 친 글자로 선택</translation>
    </message>
</context>
</TS>
