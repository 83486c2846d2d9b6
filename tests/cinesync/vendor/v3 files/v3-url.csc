<?xml version="1.0" encoding="UTF-8" ?>
<session xmlns="http://www.cinesync.com/ns/session/3.0" version="3" sessionFeatures="standard">
    <media active="true">
        <name>When You Were Young.mov</name>
		<locators>
			<url>http://movies.apple.com/media/us/quicktime/guide/hd/480p/whenyouwereyoung_m480p.mov</url>
		</locators>
    </media>
	<media>
		<name>CountdownBlue_01-00148.png</name>
		<locators>
			<url>ftp://rollye@ftp.rsrhq.com/CountdownBlue_01-00148.png</url>
		</locators>
	</media>
</session>
