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
        <source>Your name</source>
        <translation>내 이름</translation>
    </message>
    <message>
        <source>The name others see; Enter changes it</source>
        <translation>다른 사람에게 보이는 이름. Enter를 누르면 바뀝니다</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>대화</translation>
    </message>
    <message>
        <source>Rooms and everyone, with unread counts</source>
        <translation>방과 모두, 읽지 않은 메시지 수와 함께</translation>
    </message>
    <message>
        <source>Leave the room shown</source>
        <translation>보고 있는 방에서 나가기</translation>
    </message>
    <message>
        <source>Conversation to switch to</source>
        <translation>이동할 대화</translation>
    </message>
    <message>
        <source>Matching conversations</source>
        <translation>맞는 대화</translation>
    </message>
    <message>
        <source>Where to search</source>
        <translation>검색 범위</translation>
    </message>
    <message>
        <source>Search text</source>
        <translation>검색어</translation>
    </message>
    <message>
        <source>Close the search</source>
        <translation>검색 닫기</translation>
    </message>
    <message>
        <source>Search results</source>
        <translation>검색 결과</translation>
    </message>
    <message>
        <source>Number of results</source>
        <translation>결과 수</translation>
    </message>
    <message>
        <source>Server profile</source>
        <translation>서버 프로필</translation>
    </message>
    <message>
        <source>How this server speaks; another choice reconnects</source>
        <translation>이 서버의 말하는 방식. 다른 것을 고르면 다시 연결합니다</translation>
    </message>
    <message>
        <source>Who is typing</source>
        <translation>입력 중인 사람</translation>
    </message>
    <message>
        <source>Participants</source>
        <translation>참가자</translation>
    </message>
    <message>
        <source>Filter packets by event</source>
        <translation>이벤트로 패킷 거르기</translation>
    </message>
    <message>
        <source>Packet direction</source>
        <translation>패킷 방향</translation>
    </message>
    <message>
        <source>Pause the packet list</source>
        <translation>패킷 목록 일시 정지</translation>
    </message>
    <message>
        <source>Clear the packet list</source>
        <translation>패킷 목록 지우기</translation>
    </message>
    <message>
        <source>Copy the selected packet</source>
        <translation>선택한 패킷 복사</translation>
    </message>
    <message>
        <source>Save the packets</source>
        <translation>패킷 저장</translation>
    </message>
    <message>
        <source>Packets</source>
        <translation>패킷</translation>
    </message>
    <message>
        <source>Event to emit</source>
        <translation>보낼 이벤트</translation>
    </message>
    <message>
        <source>Arguments to emit, as JSON</source>
        <translation>보낼 인수(JSON)</translation>
    </message>
    <message>
        <source>Expect an acknowledgement</source>
        <translation>응답(ack) 기다리기</translation>
    </message>
    <message>
        <source>Emit the event</source>
        <translation>이벤트 보내기</translation>
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
        <source>not sent</source>
        <translation>보내지 못함</translation>
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
    <message>
        <source>file %1, %2</source>
        <translation>파일 %1, %2</translation>
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
        <translation>이 컴퓨터를 위해 호스팅 중</translation>
    </message>
    <message>
        <source>Server: %1…</source>
        <translation>서버: %1…</translation>
    </message>
    <message>
        <source>Server…</source>
        <translation>서버…</translation>
    </message>
    <message>
        <source>Profile: %1</source>
        <translation>프로필: %1</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>프로필</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>연결</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>연결 끊기</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>설정…</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>위로 이동</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>아래로 이동</translation>
    </message>
    <message>
        <source>Remove account</source>
        <translation>계정 제거</translation>
    </message>
</context>
<context>
    <name>Accounts</name>
    <message>
        <source>connected</source>
        <translation>연결됨</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>연결 중…</translation>
    </message>
    <message>
        <source>reconnecting…</source>
        <translation>다시 연결 중…</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>오프라인</translation>
    </message>
    <message>
        <source>%1 on %2 (%3)</source>
        <translation>%2의 %1 (%3)</translation>
    </message>
    <message>
        <source>%1 on %2, %3, unread: %4</source>
        <translation>%2의 %1, %3, 읽지 않음: %4</translation>
    </message>
</context>
<context>
    <name>AddAccountDialog</name>
    <message>
        <source>Add account</source>
        <translation>계정 추가</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>서버 주소</translation>
    </message>
    <message>
        <source>Your name there</source>
        <translation>그 서버에서 쓸 이름</translation>
    </message>
    <message>
        <source>How it speaks</source>
        <translation>서버 방식</translation>
    </message>
</context>
<context>
    <name>BodyText</name>
    <message numerus="yes">
        <source>… %n more characters (double-click to see the whole message)</source>
        <translation>
            <numerusform>… %n자 더 있음 (두 번 클릭하면 메시지 전체를 봅니다)</numerusform>
        </translation>
    </message>
    <message>
        <source>message deleted</source>
        <translation>삭제된 메시지</translation>
    </message>
</context>
<context>
    <name>ChatSession</name>
    <message>
        <source>Your local data file could not be read (%1). It was kept as %2 and a new one was started: messages that were waiting to be sent in it are not sent.</source>
        <translation>로컬 데이터 파일을 읽을 수 없습니다(%1). 이 파일은 %2(으)로 보관하고 새 파일을 만들었습니다. 그 파일에서 전송을 기다리던 메시지는 보내지 않습니다.</translation>
    </message>
    <message>
        <source>Your message history could not be read ({reason}). It was kept as {path} and a new one was started.</source>
        <translation>메시지 기록을 읽을 수 없습니다({reason}). 이 파일은 {path}(으)로 보관하고 새 기록을 시작했습니다.</translation>
    </message>
    <message>
        <source>This server has no way to leave a room: {room} is hidden here, and the window reconnected without it so that its messages stop.</source>
        <translation>이 서버에는 방에서 나가는 방법이 없습니다. {room}은(는) 여기서 숨기고, 그 방의 메시지가 오지 않도록 창이 그 방 없이 다시 연결했습니다.</translation>
    </message>
    <message>
        <source>A name has 1 to {most} characters; you are still {name}.</source>
        <translation>이름은 1~{most}자여야 합니다. 이름은 그대로 {name}입니다.</translation>
    </message>
    <message>
        <source>You are now called {name}.</source>
        <translation>이제 이름이 {name}입니다.</translation>
    </message>
    <message>
        <source>⚠ INSECURE: TLS certificates are not checked · </source>
        <translation>⚠ 안전하지 않음: TLS 인증서를 확인하지 않습니다 · </translation>
    </message>
    <message>
        <source> — INSECURE (--insecure)</source>
        <translation> — 안전하지 않음 (--insecure)</translation>
    </message>
    <message>
        <source>A name has 1 to {most} characters.</source>
        <translation>이름은 1자에서 {most}자까지입니다.</translation>
    </message>
    <message>
        <source>Bringing over the messages an earlier version of desktop-chat kept for this server…</source>
        <translation>이전 버전의 desktop-chat이 이 서버에 대해 보관한 메시지를 가져오는 중…</translation>
    </message>
    <message>
        <source>Warning: --insecure is on. TLS certificates are not checked, so anyone between you and the server can read and change this conversation.</source>
        <translation>경고: --insecure가 켜져 있습니다. TLS 인증서를 확인하지 않으므로, 나와 서버 사이의 누구나 이 대화를 읽고 바꿀 수 있습니다.</translation>
    </message>
    <message>
        <source>Nothing was listening at %1, and this window could not host the chat server on 127.0.0.1:%2: %3.</source>
        <translation>%1에서 응답하는 서버가 없는데, 이 창에서 127.0.0.1:%2에 채팅 서버를 열 수 없습니다: %3.</translation>
    </message>
    <message>
        <source>Nothing was listening at %1, and this window could not host the chat server: %2</source>
        <translation>%1에서 응답하는 서버가 없는데, 이 창에서 채팅 서버를 열 수 없습니다: %2</translation>
    </message>
    <message>
        <source>The window that hosted the chat server at %1 closed, so this window hosts it now on 127.0.0.1:%2, with the same messages. Everyone reconnects to it.</source>
        <translation>%1에서 채팅 서버를 열어 두었던 창이 닫혀, 이제 이 창이 127.0.0.1:%2에서 같은 메시지 그대로 서버를 엽니다. 모두 이 서버로 다시 연결됩니다.</translation>
    </message>
    <message>
        <source>Nothing was listening at %1, so this window hosts the chat server on 127.0.0.1:%2. Others on this machine can join it; when this window closes, another of your windows on it takes it over.</source>
        <translation>%1에서 응답하는 서버가 없어 이 창이 127.0.0.1:%2에서 채팅 서버를 엽니다. 이 컴퓨터의 다른 사람도 참가할 수 있으며, 이 창을 닫으면 이 서버를 쓰는 내 다른 창 하나가 이어서 서버를 엽니다.</translation>
    </message>
    <message>
        <source>Nothing was listening at %1, so this window hosts the chat server on 127.0.0.1:%2. Others on this machine can join it; it stops when this window closes.</source>
        <translation>%1에서 응답하는 서버가 없어 이 창이 127.0.0.1:%2에서 채팅 서버를 엽니다. 이 컴퓨터의 다른 사람도 참가할 수 있으며, 창을 닫으면 서버도 멈춥니다.</translation>
    </message>
    <message>
        <source>Not connecting: %1. Another program uses this address. Press “Host on another port” to run the chat server in this window on a free port, or enter the address of a chat server at the top.</source>
        <translation>연결하지 않음: %1. 다른 프로그램이 이 주소를 쓰고 있습니다. “다른 포트에서 호스팅”을 눌러 이 창에서 빈 포트로 채팅 서버를 열거나, 위에 채팅 서버 주소를 입력하세요.</translation>
    </message>
    <message>
        <source>Not a Socket.IO server at %1 — not connected</source>
        <translation>%1은(는) Socket.IO 서버가 아닙니다 — 연결 안 됨</translation>
    </message>
    <message>
        <source>Could not start the chat server on a free port.</source>
        <translation>빈 포트에서 채팅 서버를 시작하지 못했습니다.</translation>
    </message>
</context>
<context>
    <name>ComposeBar</name>
    <message>
        <source>Cancel (Esc)</source>
        <translation>취소 (Esc)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Editing your message (Enter saves, Esc cancels)</source>
        <translation>메시지 수정 중 (Enter: 저장, Esc: 취소)</translation>
    </message>
    <message>
        <source>yourself</source>
        <translation>나</translation>
    </message>
    <message>
        <source>Replying to %1: %2</source>
        <translation>%1 님에게 답장: %2</translation>
    </message>
    <message>
        <source>This server cannot carry edits, deletions or reactions; only replies, as quoted text.</source>
        <translation>이 서버는 수정, 삭제, 반응을 전달할 수 없습니다. 답장만 인용한 텍스트로 보낼 수 있습니다.</translation>
    </message>
    <message>
        <source>The message answered is no longer kept here.</source>
        <translation>답장한 메시지가 더 이상 여기에 보관되어 있지 않습니다.</translation>
    </message>
</context>
<context>
    <name>ConversationListModel</name>
    <message>
        <source>private room</source>
        <translation>비공개 방</translation>
    </message>
    <message numerus="yes">
        <source>%n unread message(s)</source>
        <translation>
            <numerusform>읽지 않은 메시지 %n개</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n mention(s)</source>
        <translation>
            <numerusform>나를 언급한 메시지 %n개</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Conversations</name>
    <message>
        <source>Everyone</source>
        <translation>모두</translation>
    </message>
    <message>
        <source>This server does not say which room a message comes from: messages from others are shown in the conversation of the last room joined ({room}).</source>
        <translation>이 서버는 메시지가 어느 방에서 왔는지 알려 주지 않습니다. 다른 사람의 메시지는 마지막으로 참가한 방({room})의 대화에 보입니다.</translation>
    </message>
</context>
<context>
    <name>Desktop</name>
    <message>
        <source>Some settings could not be read (%1); defaults are used instead.</source>
        <translation>일부 설정을 읽지 못했습니다(%1). 대신 기본값을 씁니다.</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>열기</translation>
    </message>
</context>
<context>
    <name>EmojiPicker</name>
    <message>
        <source>Search emoji</source>
        <translation>이모지 검색</translation>
    </message>
    <message>
        <source>Emoji</source>
        <translation>이모지</translation>
    </message>
    <message>
        <source>Choose an emoji</source>
        <translation>이모지 고르기</translation>
    </message>
    <message>
        <source>No emoji found</source>
        <translation>일치하는 이모지가 없습니다</translation>
    </message>
</context>
<context>
    <name>ExportText</name>
    <message numerus="yes">
        <source>Exported %n line(s) to %1</source>
        <translation>
            <numerusform>%n줄을 %1(으)로 내보냈습니다</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not export to %1: %2</source>
        <translation>%1(으)로 내보내지 못했습니다: %2</translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation>대화 내보내기</translation>
    </message>
    <message>
        <source>Readable page (*.html)</source>
        <translation>읽기 쉬운 페이지 (*.html)</translation>
    </message>
    <message>
        <source>JSON lines, every field (*.jsonl)</source>
        <translation>JSON 줄, 모든 필드 (*.jsonl)</translation>
    </message>
</context>
<context>
    <name>ExportWords</name>
    <message>
        <source>Room</source>
        <translation>방</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>계정</translation>
    </message>
    <message>
        <source>Exported</source>
        <translation>내보낸 때</translation>
    </message>
    <message>
        <source>everyone</source>
        <translation>모두</translation>
    </message>
    <message>
        <source>system</source>
        <translation>시스템</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>수정됨</translation>
    </message>
    <message>
        <source>message deleted</source>
        <translation>삭제된 메시지</translation>
    </message>
    <message>
        <source>in reply to {sender}: {text}</source>
        <translation>{sender} 님에게 답장: {text}</translation>
    </message>
    <message>
        <source>in reply to a message not in this export</source>
        <translation>이 내보내기에 없는 메시지에 대한 답장</translation>
    </message>
    <message>
        <source>not delivered</source>
        <translation>전달되지 않음</translation>
    </message>
    <message>
        <source>desktop-chat: #{room}</source>
        <translation>desktop-chat: #{room}</translation>
    </message>
    <message>
        <source>desktop-chat: everyone</source>
        <translation>desktop-chat: 모두</translation>
    </message>
</context>
<context>
    <name>FileActions</name>
    <message>
        <source>Attach files (you can also drop files here or paste an image)</source>
        <translation>파일 첨부 (여기에 파일을 끌어다 놓거나 이미지를 붙여 넣어도 됩니다)</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>파일 첨부</translation>
    </message>
    <message>
        <source>Drop the files to send them</source>
        <translation>놓으면 파일을 보냅니다</translation>
    </message>
    <message>
        <source>Save in folder</source>
        <translation>저장할 폴더</translation>
    </message>
    <message>
        <source>The downloaded file is no longer there; download it again.</source>
        <translation>내려받은 파일이 더 이상 없습니다. 다시 내려받으세요.</translation>
    </message>
    <message>
        <source>View image</source>
        <translation>이미지 보기</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>다른 곳에 저장…</translation>
    </message>
    <message>
        <source>Saved as %1</source>
        <translation>%1(으)로 저장했습니다</translation>
    </message>
</context>
<context>
    <name>FileCard</name>
    <message>
        <source>Download</source>
        <translation>내려받기</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>열기</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>폴더에서 보기</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>다시 시도</translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation>보내지 못함</translation>
    </message>
    <message>
        <source>Waiting to upload</source>
        <translation>올리기 대기 중</translation>
    </message>
</context>
<context>
    <name>Files</name>
    <message>
        <source>the file is larger than this server takes</source>
        <translation>이 서버가 받는 것보다 큰 파일입니다</translation>
    </message>
    <message>
        <source>the file that arrived is not the one that was sent (its checksum differs)</source>
        <translation>도착한 파일이 보낸 파일과 다릅니다(체크섬이 다름)</translation>
    </message>
    <message>
        <source>you are not in this room</source>
        <translation>이 방에 참가하고 있지 않습니다</translation>
    </message>
    <message>
        <source>the file belongs to someone else</source>
        <translation>다른 사람의 파일입니다</translation>
    </message>
    <message>
        <source>the server no longer has this file</source>
        <translation>서버에 이 파일이 더 이상 없습니다</translation>
    </message>
    <message>
        <source>the server no longer has this upload</source>
        <translation>서버에 이 업로드가 더 이상 없습니다</translation>
    </message>
    <message>
        <source>too many files at once; try again in a moment</source>
        <translation>한 번에 파일이 너무 많습니다. 잠시 후 다시 시도하세요</translation>
    </message>
    <message>
        <source>the server cannot store files right now</source>
        <translation>서버가 지금 파일을 저장할 수 없습니다</translation>
    </message>
    <message>
        <source>the server did not accept the token</source>
        <translation>서버가 토큰을 받아들이지 않았습니다</translation>
    </message>
    <message>
        <source>the server did not accept the permission</source>
        <translation>서버가 권한을 받아들이지 않았습니다</translation>
    </message>
    <message>
        <source>the permission expired</source>
        <translation>권한이 만료되었습니다</translation>
    </message>
    <message>
        <source>the file cannot be read</source>
        <translation>파일을 읽을 수 없습니다</translation>
    </message>
    <message>
        <source>the server could not be reached</source>
        <translation>서버에 연결할 수 없습니다</translation>
    </message>
    <message>
        <source>this server takes no files</source>
        <translation>이 서버는 파일을 받지 않습니다</translation>
    </message>
    <message>
        <source>the file could not be written to the disk</source>
        <translation>파일을 디스크에 쓸 수 없습니다</translation>
    </message>
    <message>
        <source>the file could not be saved in that folder</source>
        <translation>그 폴더에 파일을 저장할 수 없습니다</translation>
    </message>
    <message>
        <source>the file changed on the disk before it was sent</source>
        <translation>보내기 전에 디스크의 파일이 바뀌었습니다</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <source>This file is too large: this server takes files up to %1 MB.</source>
        <translation>파일이 너무 큽니다. 이 서버는 %1 MB까지의 파일만 받습니다.</translation>
    </message>
    <message>
        <source>This file cannot be read (it is missing, a folder, or not yours).</source>
        <translation>이 파일을 읽을 수 없습니다(없거나, 폴더이거나, 내 파일이 아닙니다).</translation>
    </message>
    <message>
        <source>This file is empty.</source>
        <translation>빈 파일입니다.</translation>
    </message>
    <message>
        <source>This file cannot be sent (%1).</source>
        <translation>이 파일은 보낼 수 없습니다(%1).</translation>
    </message>
    <message>
        <source>error %1</source>
        <translation>오류 %1</translation>
    </message>
    <message>
        <source>Upload failed: %1</source>
        <translation>올리지 못했습니다: %1</translation>
    </message>
    <message>
        <source>Download failed: %1</source>
        <translation>내려받지 못했습니다: %1</translation>
    </message>
    <message>
        <source>This server cannot carry files: only text can be sent here.</source>
        <translation>이 서버는 파일을 전달할 수 없습니다. 여기서는 텍스트만 보낼 수 있습니다.</translation>
    </message>
    <message>
        <source>%1 was not sent: %2</source>
        <translation>%1을(를) 보내지 못했습니다: %2</translation>
    </message>
    <message>
        <source>uploading, %1 %</source>
        <translation>올리는 중, %1 %</translation>
    </message>
    <message>
        <source>downloading, %1 %</source>
        <translation>내려받는 중, %1 %</translation>
    </message>
    <message>
        <source>Pasted image %1</source>
        <translation>붙여 넣은 이미지 %1</translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <source>Image</source>
        <translation>이미지</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>창에 맞춤</translation>
    </message>
    <message>
        <source>Fit the image to the window (Ctrl+0)</source>
        <translation>이미지를 창 크기에 맞춤 (Ctrl+0)</translation>
    </message>
    <message>
        <source>1:1</source>
        <translation>1:1</translation>
    </message>
    <message>
        <source>Actual size (Ctrl+1)</source>
        <translation>실제 크기 (Ctrl+1)</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>확대</translation>
    </message>
    <message>
        <source>Zoom in (+, Ctrl+wheel)</source>
        <translation>확대 (+, Ctrl+휠)</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>축소</translation>
    </message>
    <message>
        <source>Zoom out (-, Ctrl+wheel)</source>
        <translation>축소 (-, Ctrl+휠)</translation>
    </message>
</context>
<context>
    <name>Images</name>
    <message>
        <source>This file is not an image that can be shown.</source>
        <translation>표시할 수 있는 이미지 파일이 아닙니다.</translation>
    </message>
    <message>
        <source>This image is too large to open safely (%1 × %2 pixels).</source>
        <translation>이미지가 너무 커서 안전하게 열 수 없습니다 (%1 × %2 픽셀).</translation>
    </message>
    <message>
        <source>This image is too large to open safely.</source>
        <translation>이미지가 너무 커서 안전하게 열 수 없습니다.</translation>
    </message>
    <message>
        <source>This image is damaged and cannot be shown.</source>
        <translation>이미지가 손상되어 표시할 수 없습니다.</translation>
    </message>
</context>
<context>
    <name>Inspector</name>
    <message>
        <source>Packets</source>
        <translation>패킷</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>검사기</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <source>Not connected: nothing was emitted.</source>
        <translation>연결되어 있지 않아 아무것도 보내지 않았습니다.</translation>
    </message>
    <message>
        <source>Save packets as JSON lines</source>
        <translation>패킷을 JSON Lines로 저장</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl)</source>
        <translation>JSON Lines (*.jsonl)</translation>
    </message>
    <message>
        <source>Could not save to %1: %2</source>
        <translation>%1에 저장하지 못했습니다: %2</translation>
    </message>
</context>
<context>
    <name>InspectorPanel</name>
    <message>
        <source>Name the event to emit.</source>
        <translation>보낼 이벤트 이름을 입력하세요.</translation>
    </message>
    <message>
        <source>%1 is reserved by Socket.IO and cannot be emitted.</source>
        <translation>%1은(는) Socket.IO가 예약한 이벤트라 보낼 수 없습니다.</translation>
    </message>
    <message>
        <source>The arguments are not JSON: %1</source>
        <translation>인수가 JSON이 아닙니다: %1</translation>
    </message>
    <message>
        <source>Filter by event</source>
        <translation>이벤트로 거르기</translation>
    </message>
    <message>
        <source>In and out</source>
        <translation>받기와 보내기</translation>
    </message>
    <message>
        <source>In</source>
        <translation>받기</translation>
    </message>
    <message>
        <source>Out</source>
        <translation>보내기</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>다시 시작</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>일시 정지</translation>
    </message>
    <message>
        <source>Stop adding packets to the list (those meanwhile are not kept)</source>
        <translation>목록에 패킷 추가를 멈춥니다(그동안의 패킷은 보관하지 않음)</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>지우기</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>복사</translation>
    </message>
    <message>
        <source>Copy the selected packet as JSON</source>
        <translation>선택한 패킷을 JSON으로 복사</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>저장…</translation>
    </message>
    <message>
        <source>Save what is in the list as JSON lines</source>
        <translation>목록의 내용을 JSON Lines로 저장</translation>
    </message>
    <message>
        <source>event</source>
        <translation>이벤트</translation>
    </message>
    <message>
        <source>JSON arguments, e.g. [&quot;hello&quot;, {&quot;to&quot;: &quot;bob&quot;}]</source>
        <translation>JSON 인수, 예: [&quot;hello&quot;, {&quot;to&quot;: &quot;bob&quot;}]</translation>
    </message>
    <message>
        <source>expect ack</source>
        <translation>응답(ack) 기다리기</translation>
    </message>
    <message>
        <source>Emit</source>
        <translation>보내기</translation>
    </message>
    <message numerus="yes">
        <source>%n older packets not kept (the list keeps %1)</source>
        <translation>
            <numerusform>이전 패킷 %n개는 보관하지 않음(목록은 %1개까지 보관)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>InviteDialog</name>
    <message>
        <source>Account:</source>
        <translation>계정:</translation>
    </message>
    <message>
        <source>Invite to %1</source>
        <translation>%1에 초대</translation>
    </message>
</context>
<context>
    <name>LineActions</name>
    <message>
        <source>Reply</source>
        <translation>답장</translation>
    </message>
    <message>
        <source>React</source>
        <translation>반응</translation>
    </message>
    <message>
        <source>More…</source>
        <translation>더 보기…</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>수정</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>삭제</translation>
    </message>
    <message>
        <source>Insert an emoji</source>
        <translation>이모지 넣기</translation>
    </message>
</context>
<context>
    <name>Link</name>
    <message>
        <source>%1
Click to write to it in your mail program</source>
        <translation>%1
클릭하면 메일 프로그램에서 이 주소로 메일을 씁니다</translation>
    </message>
    <message>
        <source>%1
Site: %2
Click to open in your browser</source>
        <translation>%1
사이트: %2
클릭하면 브라우저에서 엽니다</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Offline</source>
        <translation>오프라인</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>내 이름</translation>
    </message>
    <message>
        <source>The name others see on your messages; Enter changes it at once</source>
        <translation>내 메시지에 보이는 이름. Enter를 누르면 바로 바뀝니다</translation>
    </message>
    <message>
        <source>The Socket.IO server to chat on; Enter connects</source>
        <translation>채팅할 Socket.IO 서버. Enter를 누르면 연결합니다</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>서버</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>연결</translation>
    </message>
    <message>
        <source>How this server speaks (its events): choosing another reconnects with it</source>
        <translation>이 서버의 말하는 방식(이벤트). 다른 것을 고르면 그 방식으로 다시 연결합니다</translation>
    </message>
    <message>
        <source>Reconnect now</source>
        <translation>지금 다시 연결</translation>
    </message>
    <message>
        <source>Try to connect now instead of waiting for the next try</source>
        <translation>다음 시도를 기다리지 않고 지금 연결합니다</translation>
    </message>
    <message>
        <source>Host on another port</source>
        <translation>다른 포트에서 호스팅</translation>
    </message>
    <message>
        <source>Something that is not a chat server uses this address: run the chat server in this window on a free port instead</source>
        <translation>채팅 서버가 아닌 프로그램이 이 주소를 쓰고 있습니다. 대신 이 창에서 빈 포트로 채팅 서버를 실행합니다</translation>
    </message>
    <message>
        <source>Disconnect until you come back online; what you write meanwhile is kept and sent then</source>
        <translation>다시 온라인이 될 때까지 연결을 끊습니다. 그동안 쓴 메시지는 보관했다가 그때 보냅니다</translation>
    </message>
    <message>
        <source>Write a message (Enter sends, Shift+Enter: new line)</source>
        <translation>메시지 입력 (Enter: 보내기, Shift+Enter: 줄 바꿈)</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>보내기</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>미리 보기</translation>
    </message>
    <message>
        <source>Show how your message will look when sent (Ctrl+Shift+P)</source>
        <translation>보낼 때 메시지가 어떻게 보일지 보여 줍니다 (Ctrl+Shift+P)</translation>
    </message>
    <message>
        <source>Preview the message</source>
        <translation>메시지 미리 보기</translation>
    </message>
    <message>
        <source>How your message will look</source>
        <translation>보낼 메시지의 모습</translation>
    </message>
    <message>
        <source>Sending to room {room}</source>
        <translation>{room} 방으로 보내는 중</translation>
    </message>
    <message>
        <source>Sending to everyone</source>
        <translation>모두에게 보내는 중</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>메시지</translation>
    </message>
    <message>
        <source>Opened %1 in your browser</source>
        <translation>브라우저에서 %1을(를) 열었습니다</translation>
    </message>
    <message>
        <source>No browser could open %1</source>
        <translation>%1을(를) 열 수 있는 브라우저가 없습니다</translation>
    </message>
    <message>
        <source>Open %1</source>
        <translation>%1 열기</translation>
    </message>
    <message>
        <source>Copy link address</source>
        <translation>링크 주소 복사</translation>
    </message>
    <message>
        <source>Copy text</source>
        <translation>텍스트 복사</translation>
    </message>
    <message>
        <source>Show whole message</source>
        <translation>메시지 전체 보기</translation>
    </message>
    <message>
        <source>Send again</source>
        <translation>다시 보내기</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>버리기</translation>
    </message>
    <message>
        <source>Go online</source>
        <translation>온라인으로 전환</translation>
    </message>
    <message>
        <source>Go offline</source>
        <translation>오프라인으로 전환</translation>
    </message>
    <message>
        <source>Your name, the server (%1), its profile and Connect</source>
        <translation>내 이름, 서버(%1), 프로필과 연결</translation>
    </message>
    <message>
        <source>Your name, the server, its profile and Connect</source>
        <translation>내 이름, 서버, 프로필과 연결</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>an earlier message (click to show it)</source>
        <translation>이전 메시지 (눌러서 보기)</translation>
    </message>
    <message>
        <source>The message answered is gone</source>
        <translation>답장한 메시지가 삭제되었습니다</translation>
    </message>
</context>
<context>
    <name>MessageModel</name>
    <message>
        <source>pending</source>
        <translation>대기 중</translation>
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
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>discarded, not sent</source>
        <translation>버림, 보내지 않음</translation>
    </message>
    <message>
        <source>edited at %1</source>
        <translation>%1에 수정됨</translation>
    </message>
    <message>
        <source>{name}, from connection {sid}</source>
        <translation>{name}, 연결 {sid}에서</translation>
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
        <source>in #%1</source>
        <translation>#%1</translation>
    </message>
    <message>
        <source>to everyone</source>
        <translation>모두에게</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>수정됨</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>실패: %1</translation>
    </message>
    <message>
        <source>New messages</source>
        <translation>새 메시지</translation>
    </message>
</context>
<context>
    <name>NoticeText</name>
    <message>
        <source>You connected with id : %1</source>
        <translation>연결되었습니다. ID: %1</translation>
    </message>
    <message>
        <source>You went offline.</source>
        <translation>오프라인으로 전환했습니다.</translation>
    </message>
    <message>
        <source>Disconnected from the server.</source>
        <translation>서버와의 연결이 끊어졌습니다.</translation>
    </message>
    <message>
        <source>Sending failed (%1); reconnecting.</source>
        <translation>보내기에 실패했습니다(%1). 다시 연결합니다.</translation>
    </message>
    <message>
        <source>The server did not accept that name and password or token.</source>
        <translation>서버가 그 이름과 비밀번호 또는 토큰을 받아들이지 않았습니다.</translation>
    </message>
    <message>
        <source>Your sign-in was taken back; sign in again.</source>
        <translation>로그인이 취소되었습니다. 다시 로그인하세요.</translation>
    </message>
    <message>
        <source>Too many sign-in attempts; waiting a minute before trying again.</source>
        <translation>로그인 시도가 너무 많습니다. 1분 기다린 뒤 다시 시도합니다.</translation>
    </message>
    <message>
        <source>This server needs you to sign in.</source>
        <translation>이 서버는 로그인이 필요합니다.</translation>
    </message>
    <message>
        <source>You were signed out by the server (your token was replaced, your password changed or your account removed). Sign in again to go on.</source>
        <translation>서버가 로그아웃시켰습니다(토큰이 바뀌었거나 비밀번호가 바뀌었거나 계정이 삭제됨). 계속하려면 다시 로그인하세요.</translation>
    </message>
    <message>
        <source>You are a member of the private room %1.</source>
        <translation>비공개 방 %1의 멤버가 되었습니다.</translation>
    </message>
    <message>
        <source>You were removed from the private room %1. What you saw of it stays in your history on this computer.</source>
        <translation>비공개 방 %1에서 제외되었습니다. 지금까지 본 내용은 이 컴퓨터의 기록에 남아 있습니다.</translation>
    </message>
    <message>
        <source>The server refused the connection: “%1”</source>
        <translation>서버가 연결을 거부했습니다: “%1”</translation>
    </message>
    <message>
        <source>Connection refused: nothing is listening at this address.</source>
        <translation>연결이 거부되었습니다: 이 주소에서 기다리는 서버가 없습니다.</translation>
    </message>
    <message>
        <source>Unknown host: the server&apos;s name cannot be resolved.</source>
        <translation>알 수 없는 호스트: 서버 이름을 찾을 수 없습니다.</translation>
    </message>
    <message>
        <source>The server&apos;s TLS certificate is not trusted (%1). Trust its CA with --ca-file, or skip the check with --insecure.</source>
        <translation>서버의 TLS 인증서를 신뢰할 수 없습니다(%1). --ca-file로 인증 기관을 신뢰하게 하거나, --insecure로 확인을 건너뛰세요.</translation>
    </message>
    <message>
        <source>TLS failed: the server does not speak https at this address.</source>
        <translation>TLS 실패: 이 주소의 서버는 https를 쓰지 않습니다.</translation>
    </message>
    <message>
        <source>The server did not answer in time.</source>
        <translation>서버가 제시간에 응답하지 않았습니다.</translation>
    </message>
    <message>
        <source>The server took the connection but never answered the Socket.IO connect (its connect handler may have failed).</source>
        <translation>서버가 연결은 받았지만 Socket.IO 연결 요청에 끝내 응답하지 않았습니다(서버의 connect 처리기가 실패했을 수 있습니다).</translation>
    </message>
    <message>
        <source>Connection failed: %1</source>
        <translation>연결하지 못했습니다: %1</translation>
    </message>
    <message>
        <source>A message was not sent: the server closed the connection each time it was sent (%1 times); it may be too large for it. Its menu can send it again.</source>
        <translation>메시지를 보내지 못했습니다. 보낼 때마다 서버가 연결을 끊었습니다(%1번). 서버가 받기에 너무 클 수 있습니다. 메시지의 메뉴에서 다시 보낼 수 있습니다.</translation>
    </message>
    <message>
        <source>The token was not sent to %1: the connection is not encrypted (http://) and the server is not on this machine, so anyone on the network could read it. Use https://, or --send-token-over-http if you accept that.</source>
        <translation>토큰을 %1에 보내지 않았습니다. 연결이 암호화되지 않았고(http://) 서버가 이 컴퓨터에 있지 않아 네트워크의 누구나 토큰을 읽을 수 있습니다. https://를 쓰거나, 이를 감수한다면 --send-token-over-http를 쓰세요.</translation>
    </message>
    <message>
        <source>Joined %1. The server says: “%2”</source>
        <translation>%1 방에 참가했습니다. 서버의 말: “%2”</translation>
    </message>
    <message>
        <source>Joined %1</source>
        <translation>%1 방에 참가했습니다</translation>
    </message>
    <message>
        <source>The server refused your edit: “%1”</source>
        <translation>서버가 수정을 거부했습니다: “%1”</translation>
    </message>
    <message>
        <source>The server refused to delete your message: “%1”</source>
        <translation>서버가 메시지 삭제를 거부했습니다: “%1”</translation>
    </message>
    <message>
        <source>The server refused your reaction: “%1”</source>
        <translation>서버가 반응을 거부했습니다: “%1”</translation>
    </message>
    <message>
        <source>The server refused the change: “%1”</source>
        <translation>서버가 변경을 거부했습니다: “%1”</translation>
    </message>
    <message>
        <source>This server cannot carry replies, edits, deletions or reactions, so they are hidden here; a reply is sent as text with the answered line quoted.</source>
        <translation>이 서버는 답장, 수정, 삭제, 반응을 전달할 수 없어 여기서는 숨겨집니다. 답장은 답하는 줄을 인용한 텍스트로 보냅니다.</translation>
    </message>
    <message>
        <source>Joined room &apos;%1&apos; (the server did not confirm).</source>
        <translation>&apos;%1&apos; 방에 참가했습니다(서버가 확인해 주지 않았습니다).</translation>
    </message>
    <message>
        <source>Could not join %1: “%2”</source>
        <translation>%1 방에 참가하지 못했습니다: “%2”</translation>
    </message>
    <message>
        <source>The %1 profile has no rooms to join.</source>
        <translation>%1 프로필에는 참가할 방이 없습니다.</translation>
    </message>
    <message>
        <source>The server started over with a new message store; what it kept before is gone from it. Showing everything it has now.</source>
        <translation>서버가 새 메시지 저장소로 다시 시작했습니다. 이전에 보관하던 내용은 서버에서 사라졌습니다. 지금 서버에 있는 모든 내용을 보여 줍니다.</translation>
    </message>
    <message>
        <source>Some of what was said in the conversation with everyone while you were away is no longer kept by the server (it keeps messages for a limited time); everything it still had is shown.</source>
        <translation>자리를 비운 동안 모두와의 대화에서 오간 말 중 일부는 서버에 더 이상 남아 있지 않습니다(서버는 메시지를 일정 기간만 보관합니다). 서버에 남아 있던 것은 모두 보여 줍니다.</translation>
    </message>
    <message>
        <source>Some of what was said in #%1 while you were away is no longer kept by the server (it keeps messages for a limited time); everything it still had is shown.</source>
        <translation>자리를 비운 동안 #%1에서 오간 말 중 일부는 서버에 더 이상 남아 있지 않습니다(서버는 메시지를 일정 기간만 보관합니다). 서버에 남아 있던 것은 모두 보여 줍니다.</translation>
    </message>
    <message>
        <source>%1 is now called %2</source>
        <translation>%1 님이 이름을 %2(으)로 바꿨습니다</translation>
    </message>
    <message>
        <source>An empty message is not sent.</source>
        <translation>빈 메시지는 보내지 않습니다.</translation>
    </message>
    <message>
        <source>The message is %1 bytes; the server takes at most %2 bytes.</source>
        <translation>메시지가 %1바이트입니다. 서버는 %2바이트까지만 받습니다.</translation>
    </message>
    <message>
        <source>The message is %1 bytes as sent (characters outside ASCII take up to 6 bytes each on the wire); the server takes at most %2 bytes.</source>
        <translation>보내는 메시지가 %1바이트입니다(ASCII 밖의 문자는 전송될 때 한 글자에 최대 6바이트를 차지합니다). 서버는 %2바이트까지만 받습니다.</translation>
    </message>
    <message>
        <source>The message could not be stored (%1), so it was not sent.</source>
        <translation>메시지를 저장하지 못해(%1) 보내지 않았습니다.</translation>
    </message>
    <message>
        <source>The server address is empty.</source>
        <translation>서버 주소가 비어 있습니다.</translation>
    </message>
    <message>
        <source>The server address %1 contains spaces.</source>
        <translation>서버 주소 %1에 공백이 있습니다.</translation>
    </message>
    <message>
        <source>The server address %1 is malformed: %2.</source>
        <translation>서버 주소 %1의 형식이 잘못되었습니다: %2.</translation>
    </message>
    <message>
        <source>The server address %1 uses %2; only http://, https://, ws:// and wss:// are supported.</source>
        <translation>서버 주소 %1은(는) %2을(를) 씁니다. http://, https://, ws://, wss://만 지원합니다.</translation>
    </message>
    <message>
        <source>The server address %1 names no host.</source>
        <translation>서버 주소 %1에 호스트가 없습니다.</translation>
    </message>
    <message>
        <source>The server address must not contain a user name or password.</source>
        <translation>서버 주소에 사용자 이름이나 비밀번호를 넣을 수 없습니다.</translation>
    </message>
    <message>
        <source>The server address %1 has a path (%2); give the Socket.IO path separately (--path), e.g. /chat/socket.io.</source>
        <translation>서버 주소 %1에 경로(%2)가 있습니다. Socket.IO 경로는 따로 지정하세요(--path). 예: /chat/socket.io</translation>
    </message>
    <message>
        <source>The server address %1 has port 0.</source>
        <translation>서버 주소 %1의 포트가 0입니다.</translation>
    </message>
    <message>
        <source>The Socket.IO path is empty.</source>
        <translation>Socket.IO 경로가 비어 있습니다.</translation>
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
    <name>PacketModel</name>
    <message>
        <source>Time</source>
        <translation>시각</translation>
    </message>
    <message>
        <source>Dir</source>
        <translation>방향</translation>
    </message>
    <message>
        <source>Namespace</source>
        <translation>네임스페이스</translation>
    </message>
    <message>
        <source>Event / kind</source>
        <translation>이벤트 / 종류</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>인수</translation>
    </message>
    <message>
        <source>Ack</source>
        <translation>응답</translation>
    </message>
    <message>
        <source>Round trip</source>
        <translation>왕복 시간</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>크기</translation>
    </message>
</context>
<context>
    <name>Participants</name>
    <message>
        <source>{name} ({windows} windows)</source>
        <translation>{name} (창 {windows}개)</translation>
    </message>
</context>
<context>
    <name>PortProbe</name>
    <message>
        <source>%1 is not a Socket.IO server (%2)</source>
        <translation>%1은(는) Socket.IO 서버가 아닙니다(%2)</translation>
    </message>
    <message>
        <source>%1 is a Socket.IO server</source>
        <translation>%1은(는) Socket.IO 서버입니다</translation>
    </message>
    <message>
        <source>no answer from %1 (%2)</source>
        <translation>%1에서 응답이 없습니다(%2)</translation>
    </message>
</context>
<context>
    <name>PresenceBar</name>
    <message numerus="yes">
        <source>%n participants</source>
        <translation>
            <numerusform>참가자 %n명</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PrivateRoomActions</name>
    <message>
        <source>New private room…</source>
        <translation>새 비공개 방…</translation>
    </message>
    <message>
        <source>Invite to %1…</source>
        <translation>%1에 초대…</translation>
    </message>
</context>
<context>
    <name>PrivateRoomDialog</name>
    <message>
        <source>New private room</source>
        <translation>새 비공개 방</translation>
    </message>
    <message>
        <source>Room:</source>
        <translation>방:</translation>
    </message>
    <message>
        <source>Members:</source>
        <translation>멤버:</translation>
    </message>
    <message>
        <source>Account names, separated by commas</source>
        <translation>계정 이름(쉼표로 구분)</translation>
    </message>
</context>
<context>
    <name>PrivateRooms</name>
    <message>
        <source>%1 is private already: ask one of its members to invite you.</source>
        <translation>%1은(는) 이미 비공개 방입니다. 멤버에게 초대해 달라고 하세요.</translation>
    </message>
    <message>
        <source>%1 is a public room in use: pick another name for the private room.</source>
        <translation>%1은(는) 사용 중인 공개 방입니다. 비공개 방에는 다른 이름을 고르세요.</translation>
    </message>
    <message>
        <source>There is no account named %1 on this server.</source>
        <translation>이 서버에는 %1(이)라는 계정이 없습니다.</translation>
    </message>
    <message>
        <source>Only members of %1 can invite to it.</source>
        <translation>%1의 멤버만 초대할 수 있습니다.</translation>
    </message>
    <message>
        <source>Too many at once: wait a moment and try again.</source>
        <translation>한꺼번에 너무 많습니다. 잠시 뒤 다시 시도하세요.</translation>
    </message>
    <message>
        <source>Not connected to the server: try again once connected.</source>
        <translation>서버에 연결되어 있지 않습니다. 연결된 뒤 다시 시도하세요.</translation>
    </message>
    <message>
        <source>This server has no accounts, so it has no private rooms.</source>
        <translation>이 서버에는 계정이 없어서 비공개 방도 없습니다.</translation>
    </message>
    <message>
        <source>The server would not do that: check the names and try again.</source>
        <translation>서버가 그 요청을 거절했습니다. 이름을 확인하고 다시 시도하세요.</translation>
    </message>
</context>
<context>
    <name>ProfileChoice</name>
    <message>
        <source>Profile not loaded: %1</source>
        <translation>프로필을 불러오지 못했습니다: %1</translation>
    </message>
    <message>
        <source>There is no profile %1 (--profile); using the remembered one or %2. Profiles: %3.</source>
        <translation>%1 프로필이 없습니다(--profile). 기억한 프로필이나 %2을(를) 씁니다. 프로필: %3.</translation>
    </message>
</context>
<context>
    <name>ReactionWords</name>
    <message>
        <source>%1 reacted with %2</source>
        <translation>%1 님이 %2로 반응했습니다</translation>
    </message>
    <message>
        <source>%1 and %2 reacted with %3</source>
        <translation>%1 님과 %2 님이 %3로 반응했습니다</translation>
    </message>
    <message>
        <source>%1, %2 and %3 reacted with %4</source>
        <translation>%1 님, %2 님, %3 님이 %4로 반응했습니다</translation>
    </message>
    <message numerus="yes">
        <source>%1, %2 and %n others reacted with %3</source>
        <translation>
            <numerusform>%1 님, %2 님 외 %n명이 %3로 반응했습니다</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SearchPanel</name>
    <message>
        <source>Search messages</source>
        <translation>메시지 검색</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>검색 중…</translation>
    </message>
    <message>
        <source>All conversations:</source>
        <translation>모든 대화:</translation>
    </message>
    <message>
        <source>No messages found</source>
        <translation>찾은 메시지가 없습니다</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) found</source>
        <translation>
            <numerusform>메시지 %n개를 찾았습니다</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SearchResultsModel</name>
    <message>
        <source>You</source>
        <translation>나</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>알림</translation>
    </message>
    <message>
        <source>Someone</source>
        <translation>누군가</translation>
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
        <source>Accounts in this window</source>
        <translation>이 창의 계정</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>추가…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>제거</translation>
    </message>
    <message>
        <source>Up</source>
        <translation>위로</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>아래로</translation>
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
        <source>F&amp;ormat my messages (Markdown)</source>
        <translation>내 메시지에 서식 적용 (마크다운)(&amp;O)</translation>
    </message>
    <message>
        <source>Say “You connected with id” (tutorial servers)</source>
        <translation>“You connected with id” 줄 표시 (튜토리얼 서버)</translation>
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
        <source>Say the connection&apos;s id</source>
        <translation>연결 ID 표시</translation>
    </message>
    <message>
        <source>On servers of the tutorial&apos;s profile, each connection adds “You connected with id : …” to Everyone, as the tutorial&apos;s page does</source>
        <translation>튜토리얼 프로필의 서버에서는 연결할 때마다 튜토리얼 페이지처럼 “You connected with id : …” 줄을 ‘모두’ 대화에 추가합니다</translation>
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
    <message>
        <source>Format my messages</source>
        <translation>내 메시지에 서식 적용</translation>
    </message>
    <message>
        <source>**bold**, *italic*, ~~struck~~, `code` and [links](https://…) are shown formatted, where the server supports it</source>
        <translation>**굵게**, *기울임*, ~~취소선~~, `코드`, [링크](https://…)가 서식대로 보입니다 (서버가 지원하는 경우)</translation>
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
    <name>Sidebar</name>
    <message>
        <source>Join a room…</source>
        <translation>방 참가…</translation>
    </message>
    <message>
        <source>Type a room&apos;s name and press Enter to join it</source>
        <translation>방 이름을 입력하고 Enter를 누르면 참가합니다</translation>
    </message>
    <message>
        <source>+</source>
        <translation>+</translation>
    </message>
    <message>
        <source>Join the room named in the field</source>
        <translation>입력한 이름의 방에 참가</translation>
    </message>
    <message>
        <source>Leave room</source>
        <translation>방에서 나가기</translation>
    </message>
    <message>
        <source>Leave the room shown; its conversation is hidden</source>
        <translation>보고 있는 방에서 나갑니다. 그 대화는 숨겨집니다</translation>
    </message>
    <message>
        <source>Who is in this conversation now</source>
        <translation>지금 이 대화에 있는 사람</translation>
    </message>
    <message>
        <source>Add account…</source>
        <translation>계정 추가…</translation>
    </message>
    <message>
        <source>Chat on another server, or under another name, in this window</source>
        <translation>이 창에서 다른 서버나 다른 이름으로 대화합니다</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>계정</translation>
    </message>
    <message>
        <source>Account menu</source>
        <translation>계정 메뉴</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>계정</translation>
    </message>
    <message>
        <source>%1 on %2 (%3): server, profile, Connect, Settings</source>
        <translation>%2의 %1 (%3): 서버, 프로필, 연결, 설정</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>로그인…</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>로그아웃</translation>
    </message>
    <message numerus="yes">
        <source>Here now (%n)</source>
        <translation>
            <numerusform>지금 여기 (%n)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in</source>
        <translation>로그인</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>이름:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>비밀번호:</translation>
    </message>
    <message>
        <source>Sign-in token:</source>
        <translation>로그인 토큰:</translation>
    </message>
    <message>
        <source>Paste the token your server&apos;s admin gave you</source>
        <translation>서버 관리자가 준 토큰을 붙여 넣으세요</translation>
    </message>
    <message>
        <source>Name and password</source>
        <translation>이름과 비밀번호</translation>
    </message>
    <message>
        <source>Sign-in token</source>
        <translation>로그인 토큰</translation>
    </message>
    <message>
        <source>No keyring answers on this computer, so what you sign in with is not kept: you will be asked again at the next start, unless you keep it in a file.</source>
        <translation>이 컴퓨터에서 응답하는 키링이 없어 로그인 정보를 보관하지 않습니다. 파일에 보관하지 않으면 다음에 시작할 때 다시 묻습니다.</translation>
    </message>
    <message>
        <source>Remember on this computer in a file only I can read</source>
        <translation>이 컴퓨터에 나만 읽을 수 있는 파일로 기억</translation>
    </message>
    <message>
        <source>%1 did not accept that name and password or token. Check them and try again.</source>
        <translation>%1이(가) 그 이름과 비밀번호 또는 토큰을 받아들이지 않았습니다. 확인하고 다시 시도하세요.</translation>
    </message>
    <message>
        <source>Your sign-in to %1 was taken back (a new token was made, the password changed, or the account removed). Sign in again: ask the admin for the new token.</source>
        <translation>%1 로그인이 취소되었습니다(새 토큰이 만들어졌거나 비밀번호가 바뀌었거나 계정이 삭제됨). 다시 로그인하세요. 새 토큰은 관리자에게 요청하세요.</translation>
    </message>
    <message>
        <source>Too many sign-in attempts at %1. Wait a minute; the window tries again on its own.</source>
        <translation>%1에 로그인 시도가 너무 많습니다. 1분 기다리세요. 창이 알아서 다시 시도합니다.</translation>
    </message>
    <message>
        <source>%1 asks you to sign in.</source>
        <translation>%1에 로그인해야 합니다.</translation>
    </message>
    <message>
        <source>Paste the sign-in token.</source>
        <translation>로그인 토큰을 붙여 넣으세요.</translation>
    </message>
    <message>
        <source>Type your name and password.</source>
        <translation>이름과 비밀번호를 입력하세요.</translation>
    </message>
    <message>
        <source>Signed in. What you signed in with is kept in your desktop&apos;s keyring.</source>
        <translation>로그인했습니다. 로그인 정보는 데스크톱 키링에 보관됩니다.</translation>
    </message>
    <message>
        <source>Signed in. What you signed in with is kept in %1, which only you can read.</source>
        <translation>로그인했습니다. 로그인 정보는 나만 읽을 수 있는 %1에 보관됩니다.</translation>
    </message>
    <message>
        <source>Signed in. No keyring answers on this computer, so what you signed in with is not kept: you will be asked again at the next start.</source>
        <translation>로그인했습니다. 이 컴퓨터에서 응답하는 키링이 없어 로그인 정보를 보관하지 않습니다. 다음에 시작할 때 다시 묻습니다.</translation>
    </message>
</context>
<context>
    <name>StatusText</name>
    <message>
        <source> · hosting the server on %1</source>
        <translation> · %1에서 서버 호스팅 중</translation>
    </message>
    <message>
        <source>Connected as %1 to %2 over %3</source>
        <translation>%2에 연결됨 (ID %1, %3)</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>%1에 연결하는 중…</translation>
    </message>
    <message>
        <source>Reconnecting to %1</source>
        <translation>%1에 다시 연결하는 중</translation>
    </message>
    <message numerus="yes">
        <source> (next try in %n s)</source>
        <translation>
            <numerusform> (%n초 뒤 다시 시도)</numerusform>
        </translation>
    </message>
    <message>
        <source> (trying again now)</source>
        <translation> (지금 다시 시도하는 중)</translation>
    </message>
    <message>
        <source>: %1</source>
        <translation>: %1</translation>
    </message>
    <message>
        <source>Offline: you went offline; messages you write are kept</source>
        <translation>오프라인: 오프라인으로 전환했습니다. 쓴 메시지는 보관됩니다</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>오프라인</translation>
    </message>
    <message>
        <source> · hosting the chat here</source>
        <translation> · 이 컴퓨터에서 채팅 호스팅 중</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>연결됨</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>연결 중…</translation>
    </message>
    <message numerus="yes">
        <source>Reconnecting in %n s…</source>
        <translation>
            <numerusform>%n초 뒤 다시 연결…</numerusform>
        </translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>다시 연결하는 중…</translation>
    </message>
    <message>
        <source>%1 joined</source>
        <translation>%1 님이 들어왔습니다</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>%1 님이 나갔습니다</translation>
    </message>
    <message>
        <source>%1 is typing…</source>
        <translation>%1 님이 입력 중…</translation>
    </message>
    <message>
        <source>%1 and %2 are typing…</source>
        <translation>%1 님과 %2 님이 입력 중…</translation>
    </message>
    <message numerus="yes">
        <source>%1, %2 and %n more are typing…</source>
        <translation>
            <numerusform>%1 님, %2 님 외 %n명이 입력 중…</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 and %2 joined</source>
        <translation>%1 님과 %2 님이 들어왔습니다</translation>
    </message>
    <message>
        <source>%1 and %2 left</source>
        <translation>%1 님과 %2 님이 나갔습니다</translation>
    </message>
    <message numerus="yes">
        <source>%n people joined</source>
        <translation>
            <numerusform>%n명이 들어왔습니다</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n people left</source>
        <translation>
            <numerusform>%n명이 나갔습니다</numerusform>
        </translation>
    </message>
    <message>
        <source>Not sent: %1</source>
        <translation>보내지 못함: %1</translation>
    </message>
    <message>
        <source>Cannot connect: %1</source>
        <translation>연결할 수 없음: %1</translation>
    </message>
    <message>
        <source>Invalid server address: %1</source>
        <translation>잘못된 서버 주소: %1</translation>
    </message>
</context>
<context>
    <name>Switcher</name>
    <message>
        <source>Go to conversation</source>
        <translation>대화로 이동</translation>
    </message>
    <message>
        <source>Conversation name</source>
        <translation>대화 이름</translation>
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
        <source>&amp;Export conversation…</source>
        <translation>대화 내보내기(&amp;E)…</translation>
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
        <source>Switch to a conversation by name</source>
        <translation>이름으로 대화 이동</translation>
    </message>
    <message>
        <source>Previous conversation</source>
        <translation>이전 대화</translation>
    </message>
    <message>
        <source>Next conversation</source>
        <translation>다음 대화</translation>
    </message>
    <message>
        <source>Next conversation with unread messages</source>
        <translation>읽지 않은 메시지가 있는 다음 대화</translation>
    </message>
    <message>
        <source>Search this conversation</source>
        <translation>이 대화에서 검색</translation>
    </message>
    <message>
        <source>Search all conversations</source>
        <translation>모든 대화에서 검색</translation>
    </message>
    <message>
        <source>Show or hide how your message will look when sent</source>
        <translation>보낼 메시지의 미리 보기를 보이거나 숨깁니다</translation>
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
        <source>In the list: open the message, or send a failed one again</source>
        <translation>목록에서: 메시지 열기, 실패한 메시지는 다시 보내기</translation>
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
