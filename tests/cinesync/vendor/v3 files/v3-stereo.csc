<?xml version="1.0" encoding="UTF-8" ?>
<session xmlns="http://www.cinesync.com/ns/session/3.0" sessionFeatures="pro" version="3">
	<stereo enabled="true" type="interlaced">
		<anamorphic value="true" />
		<separation annotation="-0.54" image="0.002" />
	</stereo>
    <media>
        <name>024b_fn_079_v01_1-98.mov</name>
		<locators>
			<path>/Users/jonathon/Shared on madhamish/temp test files/024b_fn_079_v01_1-98.mov</path>
			<shortHash>0d67dc935a31f4b22c0c8dac47d11cc6ca728f52</shortHash>
		</locators>
		<playRange>
			<inFrame value="39" />
			<outFrame value="49" />
			<playOnlyRange value="true" />
		</playRange>
		<pixelRatio>
			<source width="1.0" height="1.42" />
			<target width="1.0" height="1.0" />
		</pixelRatio>
		<mask alpha="0.719895">
			<ratio width="4" height="3" />
			<scaleFactor value="0.362335" />
			<center x="0.5" y="0.5" />
		</mask>
		<colorGrading>
			<offset red="0.0" green="0.0" blue="0.0" />
			<brightness rgb="1.0" red="1.0" green="1.0" blue="1.0" />
			<saturation value="1.306146" />
			<contrast value="0.856175" />
			<gamma value="1.0" />
			<linearToLog value="false" />
			<lutPath value="/Users/jonathon/Documents/Streams/cineSync/common/lut/k2383_sRGB_ll.itx" />
		</colorGrading>
		<zoomState>
			<scaleFactor value="1.8" />
			<center x="0.552451" y="0.476493" />
		</zoomState>
		<annotation frame="23">
			<notes>marker here!</notes>
		</annotation>
		<annotation frame="24">
			<notes>funny chars&gt;&gt;</notes>
		</annotation>
    </media>
    <media>
        <name>sample_mpeg4.mp4</name>
		<locators>
			<shortHash>e74db5de61fa5483c541a3a3056f22d158b44ace</shortHash>
		</locators>
		<playRange>
			<inFrame value="61" />
			<outFrame value="66" />
			<playOnlyRange value="false" />
		</playRange>
		<pixelRatio>
			<source width="1.0" height="1.0" />
			<target width="1.0" height="1.0" />
		</pixelRatio>
		<mask alpha="1.0">
			<ratio width="1" height="1" />
			<scaleFactor value="1.0" />
			<center x="0.5" y="0.5" />
		</mask>
		<colorGrading />
        <zoomState>
			<scaleFactor value="1" />
			<center x="0.5" y="0.5" />
		</zoomState>
    </media>
    <media>
        <name>Test_MH 2fps.mov</name>
		<locators>
			<shortHash>f9f0c5d3e3e340bcc9486abbb01a71089de9b886</shortHash>
		</locators>
		<playRange>
			<inFrame value="10" />
			<outFrame value="11" />
			<playOnlyRange value="true" />
		</playRange>
		<pixelRatio>
			<source width="1.0" height="1.0" />
			<target width="1.0" height="1.0" />
		</pixelRatio>
		<colorGrading>
			<offset red="0.0" green="0.0" blue="0.0" />
			<brightness rgb="1.0" red="1.0" green="1.0" blue="1.0" />
			<saturation value="1.0" />
			<contrast value="1.0" />
			<gamma value="1.0" />
			<linearToLog value="false" />
		</colorGrading>
    </media>
</session>
