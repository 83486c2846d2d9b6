<?xml version="1.0" encoding="UTF-8" ?>
<session xmlns="http://www.cinesync.com/ns/session/3.0" version="3" sessionFeatures="standard">
    <media active="true">
        <name>trailer_v9.mov</name>
		<locators>
			<url>https://cdn.example.net/trailers/trailer_v9.mov</url>
		</locators>
    </media>
	<media>
		<name>plate_0001.png</name>
		<locators>
			<url>ftp://ingest@ftp.example.net/plates/plate_0001.png</url>
		</locators>
	</media>
</session>
