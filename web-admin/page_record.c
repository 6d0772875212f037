/*
 * page_record.c — a voice notice from a cadre's phone: the page that
 * takes the recording (a file from the phone's recorder or a WeChat
 * export, through the file picker every phone browser has; or recorded
 * here, where the browser can: /static/record.js puts what it recorded
 * into the same file field), and its form's POST, which waits while the
 * file is imported and then goes on to the notice form holding it. Works
 * without script: the file picker is the form.
 */
#include <stdio.h>
#include <string.h>

#include "web-admin/api_int.h"
#include "web-admin/web_int.h"
#include "tts/tts.h"

/* The refusal codes of api_recordings.c, in a cadre's words. */
static const struct { const char *code; enum tts_recording_error e; }
refusals[] = {
	{ "too_large", TTS_REC_TOO_BIG }, { "too_long", TTS_REC_TOO_LONG },
	{ "not_audio", TTS_REC_NOT_AUDIO }, { "corrupt", TTS_REC_CORRUPT },
	{ "silent", TTS_REC_SILENT }, { "too_slow", TTS_REC_TOO_SLOW },
	{ "storage", TTS_REC_IO }, { "cancelled", TTS_REC_CANCELLED },
};

static const char *
refusal_zh(const char *code)
{
	if (strcmp(code, "busy") == 0)
		return "服务器正忙着处理别的录音，请过一分钟再上传。";
	if (strcmp(code, "no_file") == 0)
		return "没有收到录音。请先录音，或点“选择录音文件”选一个。";
	for (size_t i = 0; i < G_N_ELEMENTS(refusals); i++)
		if (strcmp(code, refusals[i].code) == 0)
			return tts_recording_error_zh(refusals[i].e);
	return "录音没能上传，请再试一次。";
}

/* GET notices/new/voice[?for=page]: for a notice, or for an alert */
void
page_record(struct web_ctx *c)
{
	bool alert = strcmp(web_qarg(c, "for", ""), "page") == 0;
	GString *g = html_begin(c, alert ? "录音紧急广播" : "录音通知",
	    alert ? "pages" : "notices");
	const char *err = web_qarg(c, "err", "");

	if (*err)
		html_notice_box(g, "err", web_esc(c, refusal_zh(err)));
	g_string_append(g, alert ? "<p>用录音发紧急广播：录好后选择播到哪里，"
	    "再确认发布。喇叭先响警报音，再放这段录音。</p>" : "<p>用自己的声音"
	    "播通知：方言、本地话都行。录好后还可以写几句文字说明，再安排播出"
	    "时间。</p>");
	g_string_append(g, "<form method=\"post\" action=\"/recordings\" "
	    "enctype=\"multipart/form-data\">");
	html_csrf(c, g);
	if (alert)
		g_string_append(g, "<input type=\"hidden\" name=\"for\" "
		    "value=\"page\">");
	/* Shown by record.js only where the browser can record. */
	g_string_append_printf(g, "<div id=\"recorder\" class=\"card\" hidden>"
	    "<button type=\"button\" id=\"rec-btn\" class=\"big\">● 开始录音"
	    "</button><p id=\"rec-state\" aria-live=\"polite\">点上面的按钮开始，"
	    "说完再点一下停止。</p><audio id=\"rec-play\" controls hidden>"
	    "</audio></div>"
	    "<label for=\"audio\">或者选择手机里的录音文件（微信语音、录音机的"
	    "文件都可以，最长 10 分钟）</label><input type=\"file\" id=\"audio\" "
	    "name=\"audio\" accept=\"audio/*,.m4a,.amr,.mp3,.aac,.wav,.ogg,"
	    ".opus,.webm,.3gp\" required><p class=\"small\">上传后请稍等："
	    "录音要先处理好，长的要久一点（10 分钟的录音大约一分钟）。</p>"
	    "<button type=\"submit\" id=\"rec-send\"%s>上传录音</button> <a "
	    "class=\"button plain\" href=\"%s\">返回</a></form>"
	    "<script src=\"/static/record.js\"></script>", alert ?
	    " class=\"danger\"" : "", alert ? "/pages" : "/notices");
	html_end(c, g, *err ? 400 : 200);
}

/* POST recordings (the form above; web.c read the multipart body into
 * c->form and c->upload). */
void
page_record_post(struct web_ctx *c)
{
	bool alert = strcmp(web_field(c, "for", ""), "page") == 0;
	char code[64], to[96];

	if (c->upload == NULL || g_bytes_get_size(c->upload) == 0) {
		html_redirect(c, alert ? "/notices/new/voice?err=no_file&for=page" :
		    "/notices/new/voice?err=no_file");
		return;
	}
	int st = api_recording_start(c->wa, c->msg, &c->who, c->who.zone,
	    c->source, c->upload, alert ? API_UPLOAD_ALERT : API_UPLOAD_NOTICE,
	    code, sizeof(code));
	if (st == 0) {
		c->pending = true;	/* answered when imported */
		return;
	}
	snprintf(to, sizeof(to), "/notices/new/voice?err=%s%s", code, alert ?
	    "&for=page" : "");
	html_redirect(c, to);
}

const char web_record_js[] =
"(function () {\n"
"  var box = document.getElementById('recorder');\n"
"  var input = document.getElementById('audio');\n"
"  var send = document.getElementById('rec-send');\n"
"  // An import takes a while: say so, and keep a second tap from sending\n"
"  // the file twice.\n"
"  if (send && send.form) send.form.addEventListener('submit', function () {\n"
"    setTimeout(function () { send.disabled = true; }, 0);\n"
"    send.textContent = '正在上传，请稍等……';\n"
"  });\n"
"  if (!box || !input || !window.MediaRecorder || !navigator.mediaDevices ||\n"
"      !window.DataTransfer) return;\n"
"  var btn = document.getElementById('rec-btn');\n"
"  var state = document.getElementById('rec-state');\n"
"  var play = document.getElementById('rec-play');\n"
"  var rec = null, chunks = [], started = 0, timer = null;\n"
"  box.hidden = false;\n"
"  function secs() { return Math.round((Date.now() - started) / 1000); }\n"
"  btn.addEventListener('click', function () {\n"
"    if (rec && rec.state === 'recording') { rec.stop(); return; }\n"
"    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (s) {\n"
"      chunks = [];\n"
"      rec = new MediaRecorder(s);\n"
"      rec.ondataavailable = function (e) { if (e.data.size) chunks.push(e.data); };\n"
"      rec.onstop = function () {\n"
"        s.getTracks().forEach(function (t) { t.stop(); });\n"
"        clearInterval(timer);\n"
"        var type = rec.mimeType || 'audio/webm';\n"
"        var ext = type.indexOf('mp4') >= 0 ? 'm4a' :\n"
"            type.indexOf('ogg') >= 0 ? 'ogg' : 'webm';\n"
"        var blob = new Blob(chunks, { type: type });\n"
"        var dt = new DataTransfer();\n"
"        dt.items.add(new File([blob], 'recording.' + ext, { type: type }));\n"
"        input.files = dt.files;\n"
"        play.src = URL.createObjectURL(blob);\n"
"        play.hidden = false;\n"
"        btn.textContent = '● 重新录音';\n"
"        state.textContent = '录好了，共 ' + secs() + ' 秒。可以先听一遍，' +\n"
"            '再点下面的“上传录音”。';\n"
"      };\n"
"      rec.start(1000);\n"
"      started = Date.now();\n"
"      btn.textContent = '■ 停止录音';\n"
"      state.textContent = '正在录音…… 0 秒';\n"
"      timer = setInterval(function () {\n"
"        state.textContent = '正在录音…… ' + secs() + ' 秒';\n"
"        if (secs() >= 600) rec.stop();\n"
"      }, 1000);\n"
"    }).catch(function () {\n"
"      state.textContent = '没能打开话筒。请允许网页使用话筒，' +\n"
"          '或者用下面的按钮选一个录音文件。';\n"
"    });\n"
"  });\n"
"})();\n";
