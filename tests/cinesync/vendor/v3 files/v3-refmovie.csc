<?xml version="1.0" encoding="UTF-8" ?>
<session xmlns="http://www.cinesync.com/ns/session/3.0" version="3" sessionFeatures="standard" userData="sessionUserData blah bloo blee">
	<group>myGroup</group>
    <media>
        <name>024b_fn_079_v01_1-98.mov</name>
		<locators>
			<path>/Volumes/Scratch/test_files/movies/024b_fn_079_v01_1-98.mov</path>
		</locators>
		<playRange>
			<inFrame value="39" />
			<outFrame value="49" />
			<playOnlyRange value="true" />
		</playRange>
		<group>myGroup</group>
    </media>
    <media>
        <name>sample_mpeg4.mp4</name>
		<locators>
			<url>http://example.com/test_files/movies/sample_mpeg4.mp4</url>
			<shortHash>e74db5de61fa5483c541a3a3056f22d158b44ace</shortHash>
		</locators>
		<playRange>
			<inFrame value="61" />
			<outFrame value="66" />
			<playOnlyRange value="true" />
		</playRange>
    </media>
    <media>
		<groupMovie><group>myGroup</group></groupMovie>
    </media>
	<notes>These are my session notes.&#x0A;newline.</notes>
</session>
