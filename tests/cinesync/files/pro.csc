<?xml version="1.0" encoding="UTF-8" ?>
<session xmlns="http://www.cinesync.com/ns/session/3.0" sessionFeatures="pro" version="3">
    <media>
        <name>env_matte_v004.mov</name>
		<locators>
			<path>/Volumes/Projects/orbit/env/env_matte_v004.mov</path>
			<shortHash>c4ca4238a0b923820dcc509a6f75849baabbccdd</shortHash>
		</locators>
		<playRange>
			<inFrame value="12" />
			<outFrame value="48" />
			<playOnlyRange value="true" />
		</playRange>
		<pixelRatio>
			<source width="2.0" height="1.0" />
			<target width="1.0" height="1.0" />
		</pixelRatio>
		<mask alpha="0.65">
			<ratio width="239" height="100" />
			<scaleFactor value="0.9" />
			<center x="0.5" y="0.5" />
		</mask>
		<colorGrading>
			<offset red="0.01" green="0.0" blue="-0.02" />
			<brightness rgb="1.1" red="1.0" green="1.0" blue="1.05" />
			<saturation value="1.2" />
			<contrast value="0.9" />
			<gamma value="1.0" />
			<linearToLog value="true" />
			<lutPath value="/Volumes/Projects/orbit/lut/show_v2.itx" />
		</colorGrading>
		<zoomState>
			<scaleFactor value="1.5" />
			<center x="0.4" y="0.6" />
		</zoomState>
		<annotation frame="30">
			<notes>matte edge chatters</notes>
		</annotation>
		<annotation frame="31">
			<notes>worse here &gt;&gt; check the roto</notes>
		</annotation>
    </media>
    <media>
        <name>env_sky_v001.mov</name>
		<locators>
			<shortHash>c81e728d9d4c2f636f067f89cc14862caabbccdd</shortHash>
		</locators>
		<playRange>
			<inFrame value="1" />
			<outFrame value="20" />
			<playOnlyRange value="false" />
		</playRange>
		<mask alpha="1.0">
			<ratio width="16" height="9" />
			<scaleFactor value="1.0" />
			<center x="0.5" y="0.5" />
		</mask>
		<colorGrading />
        <zoomState>
			<scaleFactor value="1" />
			<center x="0.5" y="0.5" />
		</zoomState>
    </media>
	<chat>alice%3A%20looks%20good%0Abob%3A%20agreed</chat>
</session>
